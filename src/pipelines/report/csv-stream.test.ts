import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHUNK_BYTES, MAX_LINE_CHARS, streamCsv, type TextShape } from './csv-stream.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'csv-stream-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

async function rowsOf (bytes: Buffer, shape: TextShape): Promise<string[][]> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`)
  await writeFile(path, bytes)
  const rows: string[][] = []
  await streamCsv(path, shape, new AbortController().signal, { onRows: chunk => rows.push(...chunk), onProgress: () => {}, onParseError: () => {}, onLongLine: () => {} })
  return rows
}

async function streamed (text: string) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`)
  await writeFile(path, text)
  const rows: Array<[number, string[]]> = []
  const longLines: number[] = []
  const parseErrors: number[] = []
  const started = performance.now()
  const summary = await streamCsv(path, { encoding: 'utf8', delimiter: ',', lineEnding: '\n' }, new AbortController().signal, {
    onRows: (chunk, first) => chunk.forEach((row, index) => rows.push([first + index, row])),
    onProgress: () => {},
    onParseError: (_message, row) => parseErrors.push(row),
    onLongLine: row => longLines.push(row)
  })
  return { rows, longLines, parseErrors, summary, ms: performance.now() - started }
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

  it('skips a line longer than MAX_LINE_CHARS unread, numbering the rows after it as the file does', async () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 20)
    const result = await streamed(`date,sales\n2024-01-01,1\n2024-01-02,${long}\n2024-01-03,3\n"2024-01-04","${long}"\n2024-01-05,5\n`)
    expect(result.longLines).toEqual([3, 5])
    expect(result.rows).toEqual([[2, ['2024-01-01', '1']], [4, ['2024-01-03', '3']], [6, ['2024-01-05', '5']]])
    expect(result.parseErrors).toEqual([])
    expect(result.summary).toEqual({ rows: 5, endedInQuotes: false })
    // Twenty megabytes of one line would take papaparse minutes if it were fed them.
    expect(result.ms).toBeLessThan(10_000)
  })

  it('keeps a long line that is still under the limit, and a file ending in the middle of a long line', async () => {
    const wide = 'y'.repeat(MAX_LINE_CHARS - 100)
    const result = await streamed(`date,sales\n2024-01-01,${wide}\n2024-01-02,${'z'.repeat(MAX_LINE_CHARS + 10)}`)
    expect(result.rows.map(([row, cells]) => [row, cells[1]?.length])).toEqual([[2, wide.length]])
    expect(result.longLines).toEqual([3])
  })
})
