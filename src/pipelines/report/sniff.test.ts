import { describe, expect, it } from 'vitest'
import { JobFailure } from '../../errors.ts'
import { cleanHeader, describeSample } from './sniff.ts'

const shape = (text: string | Uint8Array) => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  return describeSample(bytes, bytes.length)
}

describe('describeSample', () => {
  it.each([[',', 'comma'], [';', 'semicolon'], ['\t', 'tab'], ['|', 'pipe']])('finds the %s delimiter', delimiter => {
    const file = shape(['date', 'region', 'sales'].join(delimiter) + '\n' + ['2024-01-01', 'Nord', '1,5'].join(delimiter) + '\n')
    expect(file.delimiter).toBe(delimiter)
  })

  it('strips a UTF-8 BOM and detects CRLF', () => {
    const file = shape('\uFEFFdate,sales\r\n2024-01-01,3\r\n')
    expect(file).toMatchObject({ encoding: 'utf8', bom: true, lineEnding: '\r\n', header: ['date', 'sales'] })
  })

  it('reads Windows-1252 when the bytes are not UTF-8', () => {
    const file = shape(Buffer.from('Region;Umsatz\nS\xfcd;12\n', 'latin1'))
    expect(file.encoding).toBe('windows-1252')
    expect(file.sampleRows[0]?.[0]).toBe('Süd')
  })

  it('keeps quoted delimiters inside fields', () => {
    const file = shape('date,amount\n2024-01-01,"$1,234.50"\n')
    expect(file.sampleRows[0]).toEqual(['2024-01-01', '$1,234.50'])
  })

  it('fails clearly on an empty or one-column file', () => {
    expect(() => shape('   \n')).toThrow(JobFailure)
    expect(() => shape('just one column\n1\n')).toThrow(/Only one column/)
  })
})

describe('cleanHeader', () => {
  it('trims padding, names blanks, numbers duplicates and drops a trailing delimiter', () => {
    expect(cleanHeader(['  Date ', '', 'Sales', 'sales', ''])).toEqual(['Date', 'Column 2', 'Sales', 'sales (2)'])
  })
})
