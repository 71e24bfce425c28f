/**
 * The upload stage's look at the stored file before committing to a full read: its encoding
 * (from the BOM, else whether the bytes are valid UTF-8), line endings, delimiter, header and a
 * sample of rows that role detection and number-format detection decide from.
 */
import { open } from 'node:fs/promises'
import Papa from 'papaparse'
import { JobFailure } from '../../errors.ts'
import { MAX_COLUMNS, tooManyColumns } from './column-limit.ts'

export type TextEncoding = 'utf8' | 'utf16le' | 'utf-16be' | 'windows-1252'

/** The WHATWG label `TextDecoder` knows each encoding by. */
export const decoderLabel = (encoding: TextEncoding): string => (encoding === 'utf8' ? 'utf-8' : encoding === 'utf16le' ? 'utf-16le' : encoding)

export interface FileShape {
  bytes: number
  encoding: TextEncoding
  bom: boolean
  lineEnding: '\r\n' | '\n' | '\r'
  delimiter: string
  /** Column names: trimmed, blanks named `Column N`, duplicates numbered. */
  header: string[]
  /** The first rows after the header, as parsed strings. */
  sampleRows: string[][]
  /** True when the sample is the whole file. */
  sampleIsWholeFile: boolean
}

const DELIMITERS = [',', ';', '\t', '|']

/** The first bytes a look at the file needs (wait for this much of a file still arriving). */
export const SAMPLE_BYTES = 256 * 1024

/**
 * `stillArriving`: the file is being uploaded, so what is on disk is not the whole of it and
 * `bytes` is only what has arrived.
 */
export async function sniffFile (path: string, stillArriving = false): Promise<FileShape> {
  const handle = await open(path, 'r')
  let bytes: Buffer
  let size: number
  try {
    size = (await handle.stat()).size
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(Math.min(SAMPLE_BYTES, size)), 0, Math.min(SAMPLE_BYTES, size), 0)
    bytes = buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
  if (size === 0) throw new JobFailure('empty_file', 'The file is empty. Export the data again with a header row and at least a few rows of data.')
  return { ...describeSample(bytes, stillArriving ? Number.POSITIVE_INFINITY : size), bytes: size }
}

/** Everything `sniffFile` decides, from the first bytes of a file of `size` bytes. */
export function describeSample (bytes: Uint8Array, size: number): FileShape {
  const { encoding, bom } = detectEncoding(bytes)
  const wholeFile = bytes.length >= size
  let text = new TextDecoder(decoderLabel(encoding)).decode(bytes, { stream: !wholeFile })
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') throw new JobFailure('empty_file', 'The file contains no text. Export the data again as CSV with a header row.')
  const lineEnding = detectLineEnding(text)
  if (!wholeFile) {
    // The sample ends mid-line; keep whole lines only.
    const lastBreak = text.lastIndexOf(lineEnding === '\r' ? '\r' : '\n')
    if (lastBreak <= 0) {
      // A header that does not fit the sample but is full of separators is a very wide file:
      // say that (and how to fix it) rather than only that the line is long.
      const separators = Math.max(...DELIMITERS.map(delimiter => text.split(delimiter).length - 1))
      if (separators >= MAX_COLUMNS) throw tooManyColumns(separators + 1, true)
      throw new JobFailure('header_too_long', `The first ${Math.round(bytes.length / 1024)} KiB of the file hold no line break, so there is no header row to read. Export the data as a CSV with one row per line and a header row.`, { row: 1 })
    }
    text = text.slice(0, lastBreak)
  }
  const guess = Papa.parse<string[]>(text, { preview: 50, newline: lineEnding, delimitersToGuess: DELIMITERS, skipEmptyLines: true })
  const delimiter = guess.meta.delimiter
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: lineEnding, skipEmptyLines: true })
  const rows = parsed.data
  if (!wholeFile && rows.length > 2) rows.pop() // may be a quoted multi-line field cut in two
  const rawHeader = rows.shift() ?? []
  const header = cleanHeader(rawHeader)
  if (header.length < 2) {
    throw new JobFailure('single_column', `Only one column was found (${JSON.stringify(header[0] ?? '')}). The file needs a date column and at least one numeric column, separated by commas, semicolons, tabs or pipes.`, { row: 1 })
  }
  return { bytes: size, encoding, bom, lineEnding, delimiter, header, sampleRows: rows, sampleIsWholeFile: wholeFile }
}

export function detectEncoding (bytes: Uint8Array): { encoding: TextEncoding, bom: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf8', bom: true }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf16le', bom: true }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: true }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return { encoding: 'utf8', bom: false }
  } catch {
    // Not UTF-8: legacy spreadsheet exports are almost always Windows-1252 (which has the € sign).
    return { encoding: 'windows-1252', bom: false }
  }
}

function detectLineEnding (text: string): FileShape['lineEnding'] {
  const newline = text.indexOf('\n')
  const carriage = text.indexOf('\r')
  if (carriage >= 0 && (newline < 0 || carriage < newline)) return text[carriage + 1] === '\n' ? '\r\n' : '\r'
  return '\n'
}

/** Trims names, drops trailing blank ones (a trailing delimiter), names blanks and numbers duplicates. */
export function cleanHeader (raw: readonly string[]): string[] {
  const names = raw.map(name => name.replace(/^\uFEFF/, '').trim())
  while (names.length > 0 && names[names.length - 1] === '') names.pop()
  const seen = new Map<string, number>()
  return names.map((name, index) => {
    const base = name === '' ? `Column ${index + 1}` : name
    const count = (seen.get(base.toLowerCase()) ?? 0) + 1
    seen.set(base.toLowerCase(), count)
    return count === 1 ? base : `${base} (${count})`
  })
}
