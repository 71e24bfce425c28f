/**
 * Stage `validation` (→15%): the one streaming pass over the file. Decides the number format and
 * column roles from the sample (read-plan.ts), then parses every row into the per-date sums
 * (read-pass.ts; on worker threads, one part of the file each, for big files), reporting progress
 * by bytes read. When the upload stage already started the pass on the arriving file, this
 * stage finishes it instead. Damaged rows become warnings; the stage fails only when nothing
 * usable remains.
 */
import { JobFailure } from '../../../errors.ts'
import { prepareAugurs } from '../augurs.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { summarizeBadCells } from '../bad-cells.ts'
import { readOptions } from '../options.ts'
import { planRead, samePlan, type ReadPlan } from '../read-plan.ts'
import { readPassOnThreads } from '../read-pass-thread.ts'
import { readPass, type PassOutput, type PassProgress } from '../read-pass.ts'
import { resolveDates } from '../resolve-dates.ts'
import type { FileShape } from '../sniff.ts'
import { need, type ReportState } from '../state.ts'

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
  // The form is complete now: fields sent after the file may change the options.
  state.options = readOptions(ctx.fields)
  const plan = planRead(file, upload.path, state.options)
  for (const note of plan.roles.notes) state.warnings.add({ code: 'column_skipped', message: note })
  let fraction = 0
  const onProgress = (bytesRead: number, rows: number) => {
    // Monotonic: in the rare case the threads' parts cannot be merged, the file is read again.
    fraction = Math.max(fraction, bytesRead / file.bytes)
    ctx.progress(fraction, `Read ${rows.toLocaleString('en-US')} rows`, { rows, bytesRead, bytes: file.bytes })
  }
  // The forecasts and analytics after this stage need augurs' WebAssembly compiled; V8 compiles
  // it on background threads meanwhile, so they need not wait for it when they start.
  prepareAugurs('mstl', 'ets', 'outlier', 'changepoint').catch(() => { /* the forecasting stage compiles again and reports */ })
  const pass = await passFromUpload(state, plan, onProgress) ?? await readStoredFile(ctx, plan, file, readThreads, threadMinBytes, onProgress)
  ctx.log.info({ rows: pass.rows, threads: pass.parts }, 'report rows read')
  state.warnings.absorb(pass.warnings)
  const data = pass.data
  const { roles, decimal, dayOrderHint } = plan
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

/**
 * The pass the upload stage started while the file arrived, if the complete form still reads
 * the file the same way; otherwise it is stopped and the stored file is read afresh.
 */
async function passFromUpload (state: ReportState, plan: ReadPlan, onProgress: PassProgress): Promise<PassOutput | undefined> {
  const read = state.arrivingRead
  if (!read) return undefined
  state.arrivingRead = undefined
  if (!samePlan(read.plan, plan)) {
    read.stop()
    return undefined
  }
  onProgress(read.latest.bytesRead, read.latest.rows)
  read.follow(onProgress)
  return await read.pass
}

/** The one streaming pass over a file already whole on disk: inline when small, else on threads. */
async function readStoredFile (ctx: StageContext<ReportState>, plan: ReadPlan, file: FileShape, readThreads: number, threadMinBytes: number, onProgress: PassProgress): Promise<PassOutput> {
  // Cells with line breaks in the first 256 KiB mean they are likely further on too, where a cut
  // between threads would land inside one and the file would be read twice: read it whole.
  const multiLineCells = file.sampleRows.some(row => row.some(cell => cell.includes('\n') || cell.includes('\r')))
  const threads = Math.min(multiLineCells ? 1 : readThreads, Math.floor(file.bytes / threadMinBytes))
  return threads >= 1
    ? await readPassOnThreads(plan.input, { threads, bytes: file.bytes }, ctx.signal, onProgress)
    : await readPass(plan.input, ctx.signal, onProgress)
}
