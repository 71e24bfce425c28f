/**
 * The validation stage's one pass over the file: streams every row into an Aggregator and hands
 * back plain data (the per-date sums and the warnings the pass raised). It runs inline for small
 * files and on worker threads for big ones, each thread reading one byte range of the file
 * (read-pass-thread.ts, byte-ranges.ts, merge-passes.ts); both give the same result.
 */
import type { AggregateData, AggregateSetup } from './aggregate-data.ts'
import { Aggregator } from './aggregate.ts'
import { MAX_LINE_CHARS, streamCsv, type ByteRange, type FinalBytes, type TextShape } from './csv-stream.ts'
import { WarningLog, type WarningSnapshot } from './warnings.ts'

export interface PassInput {
  path: string
  shape: TextShape
  setup: AggregateSetup
  /** Read only this part of the file (rows numbered as if it followed the header). */
  range?: ByteRange
  /** The file is still being uploaded: the pass follows it until its final size (`finalBytes`). */
  arriving?: boolean
}

export interface PassOutput {
  data: AggregateData
  warnings: WarningSnapshot
  /** Data rows read, good or bad. */
  rows: number
  /** The text ended inside a quoted field (see StreamSummary). */
  endedInQuotes: boolean
  /** How many parts of the file, each read on its own thread, this was merged from (1: one pass). */
  parts: number
}

/** Called after each chunk with the bytes read so far and the rows handed over so far. */
export type PassProgress = (bytesRead: number, rows: number) => void

export async function readPass ({ path, shape, setup, range, arriving }: PassInput, signal: AbortSignal, onProgress: PassProgress, finalBytes?: FinalBytes): Promise<PassOutput> {
  if (arriving && !finalBytes) throw new Error('A pass over an arriving file needs its final size when known')
  const warnings = new WarningLog()
  const aggregator = new Aggregator(setup, warnings)
  let rows = 0
  const summary = await streamCsv(path, shape, signal, {
    onRows: (chunk, firstRow) => {
      aggregator.addRows(chunk, firstRow)
      rows += chunk.length
    },
    onProgress: bytes => onProgress(bytes, rows),
    onParseError: (message, row) => warnings.add({ code: 'malformed_row', message: `${message}; the row was read as well as possible.`, row }),
    onLongLine: row => {
      aggregator.skippedRows++
      warnings.add({ code: 'line_too_long', message: `The row is longer than ${MAX_LINE_CHARS / 1024 / 1024} MiB (no spreadsheet cell holds that much); it was skipped unread.`, row })
    }
  }, range, arriving ? finalBytes : undefined)
  return { data: aggregator.snapshot(), warnings: warnings.snapshot(), ...summary, parts: 1 }
}
