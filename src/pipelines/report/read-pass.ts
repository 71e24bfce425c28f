/**
 * The validation stage's one pass over the file: streams every row into an Aggregator and hands
 * back plain data (the per-date sums and the warnings the pass raised). It runs inline for small
 * files and on a worker thread for big ones (read-pass-thread.ts); both give the same result.
 */
import type { AggregateData, AggregateSetup } from './aggregate-data.ts'
import { Aggregator } from './aggregate.ts'
import { streamCsv, type TextShape } from './csv-stream.ts'
import { WarningLog, type WarningSnapshot } from './warnings.ts'

export interface PassInput {
  path: string
  shape: TextShape
  setup: AggregateSetup
}

export interface PassOutput {
  data: AggregateData
  warnings: WarningSnapshot
}

/** Called after each chunk with the bytes read so far and the rows handed over so far. */
export type PassProgress = (bytesRead: number, rows: number) => void

export async function readPass ({ path, shape, setup }: PassInput, signal: AbortSignal, onProgress: PassProgress): Promise<PassOutput> {
  const warnings = new WarningLog()
  const aggregator = new Aggregator(setup, warnings)
  let rows = 0
  await streamCsv(path, shape, signal, {
    onRows: (chunk, firstRow) => {
      aggregator.addRows(chunk, firstRow)
      rows += chunk.length
    },
    onProgress: bytes => onProgress(bytes, rows),
    onParseError: (message, row) => warnings.add({ code: 'malformed_row', message: `${message}; the row was read as well as possible.`, row })
  })
  return { data: aggregator.snapshot(), warnings: warnings.snapshot() }
}
