/**
 * Stage `validation` (→15%): the one streaming pass over the file. Decides the number format and
 * column roles from the sample, then parses every row into the per-date sums (read-pass.ts; on
 * worker threads, one part of the file each, for big files), reporting progress by bytes read.
 * Damaged rows become warnings; the stage fails only when nothing usable remains.
 */
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { summarizeBadCells } from '../bad-cells.ts'
import { checkColumnCount } from '../column-limit.ts'
import { detectDecimalSeparator } from '../parse-number.ts'
import { readPassOnThreads } from '../read-pass-thread.ts'
import { readPass, type PassInput } from '../read-pass.ts'
import { resolveDates } from '../resolve-dates.ts'
import { detectRoles } from '../roles.ts'
import { need, type ReportState } from '../state.ts'

/** Groups tracked individually per column while streaming (REPORT_MAX_GROUPS is at most 100). */
const MAX_TRACKED_GROUPS = 200

/**
 * Files from this size are read on a worker thread (read-pass-thread.ts), and each further thread
 * needs this much more. Below it the pass is over in about the time a thread takes to start
 * (~0.1 s) and allocates too little to matter.
 */
export const THREAD_MIN_BYTES = 8 * 1024 * 1024

export interface ValidationOptions {
  /** Most threads one file is read with (config REPORT_READ_THREADS). */
  readThreads: number
  threadMinBytes?: number
}

export function createValidateRows ({ readThreads, threadMinBytes = THREAD_MIN_BYTES }: ValidationOptions) {
  return (ctx: StageContext<ReportState>) => validateRows(ctx, readThreads, threadMinBytes)
}

async function validateRows (ctx: StageContext<ReportState>, readThreads: number, threadMinBytes: number): Promise<void> {
  const { state } = ctx
  const file = need(state.file, 'the file check')
  const upload = ctx.files[0] as { path: string }
  checkColumnCount(file)
  if (file.sampleRows.length === 0) {
    throw new JobFailure('no_rows', 'The file has a header but no data rows. Export the data again including its rows.', { row: 2 })
  }
  const decimal = detectDecimalSeparator(file.sampleRows.flat(), file.delimiter)
  const roles = detectRoles(file.header, file.sampleRows, decimal, state.options)
  for (const note of roles.notes) state.warnings.add({ code: 'column_skipped', message: note })
  const dayOrderHint = decimal === ',' || file.delimiter === ';' ? 'dmy' : 'mdy'
  const input: PassInput = {
    path: upload.path,
    shape: { encoding: file.encoding, delimiter: file.delimiter, lineEnding: file.lineEnding },
    setup: { header: file.header, date: roles.date, region: roles.region, department: roles.department, measures: roles.measures, decimal, dayOrderHint, maxTrackedGroups: MAX_TRACKED_GROUPS }
  }
  let fraction = 0
  const onProgress = (bytesRead: number, rows: number) => {
    // Monotonic: in the rare case the threads' parts cannot be merged, the file is read again.
    fraction = Math.max(fraction, bytesRead / file.bytes)
    ctx.progress(fraction, `Read ${rows.toLocaleString('en-US')} rows`, { rows, bytesRead, bytes: file.bytes })
  }
  // Cells with line breaks in the first 256 KiB mean they are likely further on too, where a cut
  // between threads would land inside one and the file would be read twice: read it whole.
  const multiLineCells = file.sampleRows.some(row => row.some(cell => cell.includes('\n') || cell.includes('\r')))
  const threads = Math.min(multiLineCells ? 1 : readThreads, Math.floor(file.bytes / threadMinBytes))
  const pass = threads >= 1
    ? await readPassOnThreads(input, { threads, bytes: file.bytes }, ctx.signal, onProgress)
    : await readPass(input, ctx.signal, onProgress)
  state.warnings.absorb(pass.warnings)
  const data = pass.data
  summarizeBadCells(state.warnings, roles.measures, data.badCells)
  const dateColumn = file.header[roles.date] as string
  state.dates = resolveDates(data, dayOrderHint, dateColumn, state.warnings)
  roles.measures.forEach((measure, m) => {
    const bad = data.badCells[m] ?? 0
    if (bad > 0 && bad >= data.dataRows) {
      throw new JobFailure('no_numbers', `Column "${measure.name}" has no readable numbers (${bad} cells could not be read, e.g. the one in the first warning). Fix the values, or choose other columns with the form field measures.`, { column: measure.name })
    }
  })
  state.decimal = decimal
  state.roles = roles
  state.data = data
  ctx.progress(1, `${data.dataRows.toLocaleString('en-US')} rows usable, ${data.skippedRows.toLocaleString('en-US')} skipped`, { rows: data.dataRows, skippedRows: data.skippedRows })
}
