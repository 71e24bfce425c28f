import { describe, expect, it } from 'vitest'
import { sniffBytes } from './sniff-type.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('sniffBytes', () => {
  it('recognises comma, semicolon and pipe separated text as CSV', async () => {
    expect(await sniffBytes(bytes('date,region,revenue\n2024-01-01,North,10\n2024-02-01,South,12\n'))).toBe('text/csv')
    expect(await sniffBytes(bytes('date;region;revenue\n01.01.2024;Nord;1.234,56\n'))).toBe('text/csv')
    expect(await sniffBytes(bytes('date|region|revenue\n2024-01-01|North|10\n'))).toBe('text/csv')
  })

  it('ignores delimiters inside quoted values, as money columns have them', async () => {
    expect(await sniffBytes(bytes('Date,Region,Revenue\n2024-01-01,North,"$3,447.75"\n2024-02-01,"South, East","($1,200.00)"\n2024-03-01,West,"1,000"\n'))).toBe('text/csv')
  })

  it('calls tab separated text TSV whatever the file is named', async () => {
    expect(await sniffBytes(bytes('date\tregion\trevenue\n2024-01-01\tNorth\t10\n'))).toBe('text/tab-separated-values')
  })

  it('accepts a UTF-8 BOM and multi-byte names', async () => {
    expect(await sniffBytes(bytes('\uFEFFdate,region,revenue\n2024-01-01,東京,10\n2024-01-02,Süd,11\n'))).toBe('text/csv')
  })

  it('recognises binary formats by their magic numbers', async () => {
    expect(await sniffBytes(bytes('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'))).toBe('application/pdf')
    expect(await sniffBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]))).toBe('image/png')
    expect(await sniffBytes(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]))).toBe('image/jpeg')
  })

  it('calls prose plain text and random bytes octet-stream', async () => {
    expect(await sniffBytes(bytes('Dear team,\nplease find attached.\n'))).toBe('text/plain')
    expect(await sniffBytes(Uint8Array.from([0, 1, 2, 3, 250, 251, 0, 7]))).toBe('application/octet-stream')
    expect(await sniffBytes(new Uint8Array())).toBe('application/octet-stream')
  })
})
