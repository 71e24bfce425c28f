import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHUNK_BYTES, streamCsv, type TextShape } from './csv-stream.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'csv-stream-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

async function rowsOf (bytes: Buffer, shape: TextShape): Promise<string[][]> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`)
  await writeFile(path, bytes)
  const rows: string[][] = []
  await streamCsv(path, shape, new AbortController().signal, { onRows: chunk => rows.push(...chunk), onProgress: () => {}, onParseError: () => {} })
  return rows
}

const shape = (encoding: TextShape['encoding']): TextShape => ({ encoding, delimiter: ';', lineEnding: '\n' })

describe('streamCsv', () => {
  it('keeps a multi-byte character whole where it straddles two chunks', async () => {
    const head = 'Region;Umsatz\n'
    // The first byte of "東" is the last byte of the first chunk.
    const bytes = Buffer.from(`${head}${'x'.repeat(CHUNK_BYTES - head.length - 1)}東京;2\nSüd;3\n`, 'utf8')
    expect(bytes.subarray(CHUNK_BYTES - 1, CHUNK_BYTES + 2).toString('utf8')).toBe('東')
    const rows = await rowsOf(bytes, shape('utf8'))
    expect(rows.map(row => row[1])).toEqual(['2', '3'])
    expect(rows[0]?.[0]?.endsWith('東京')).toBe(true)
    expect(rows[1]).toEqual(['Süd', '3'])
  })

  it('reads UTF-16 with its byte order mark, and Windows-1252', async () => {
    const text = 'Region;Umsatz\nSüd;12\n東京;7\n'
    expect(await rowsOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), shape('utf16le'))).toEqual([['Süd', '12'], ['東京', '7']])
    expect(await rowsOf(Buffer.from('Region;Umsatz\nS\xfcd;12\n', 'latin1'), shape('windows-1252'))).toEqual([['Süd', '12']])
  })
})
