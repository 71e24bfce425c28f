/**
 * The read pass over a CSV that is still being uploaded. The upload stage starts it as soon as
 * the first rows are in; it parses the bytes as they arrive (on a worker thread for a big
 * upload, so the process receiving the upload keeps its event loop; on two for a bigger one,
 * each reading half, so what is left to read when the last byte arrives goes twice as fast). The
 * validation stage then takes its result.
 */
import type { ArrivingUpload } from '../../jobs/arriving-upload.ts'
import type { ReadPlan } from './read-plan.ts'
import { lineStartAfter, PROBE_BYTES } from './byte-ranges.ts'
import { readArrivingOnThreads, splittable } from './read-pass-thread.ts'
import { readPass, type PassOutput, type PassProgress } from './read-pass.ts'

export interface ArrivingRead {
  plan: ReadPlan
  pass: Promise<PassOutput>
  /** What the pass has read so far. */
  readonly latest: { bytesRead: number, rows: number }
  /** Passes the pass's progress on to `listener` from now on (the validation stage, as it waits). */
  follow: (listener: PassProgress) => void
  /** Ends the pass early (the job failed, or the form's late fields call for another plan). */
  stop: () => void
}

export interface ArrivingReadOptions {
  /** From this expected size the pass runs on a worker thread (two from twice this size). */
  threadMinBytes: number
  /** Most threads the file is read with (config REPORT_READ_THREADS); 1 or 2 here. */
  threads: number
}

export function startArrivingRead (plan: ReadPlan, upload: ArrivingUpload, signal: AbortSignal, { threadMinBytes, threads }: ArrivingReadOptions): ArrivingRead {
  const stopped = new AbortController()
  const passSignal = AbortSignal.any([signal, stopped.signal])
  const finalBytes = upload.complete.then(input => input.files[0]?.bytes ?? 0)
  let known: number | undefined
  finalBytes.then(bytes => { known = bytes }, () => {})
  const latest = { bytesRead: 0, rows: 0 }
  let listener: PassProgress | undefined
  const onProgress: PassProgress = (bytesRead, rows) => {
    latest.bytesRead = bytesRead
    latest.rows = rows
    listener?.(bytesRead, rows)
  }
  const input = { ...plan.input, arriving: true }
  const expected = upload.expectedBytes ?? Number.POSITIVE_INFINITY
  const twoThreads = threads > 1 && expected >= 2 * threadMinBytes && Number.isFinite(expected) && splittable(input.shape)
  const near = Math.floor(expected / 2)
  const pass = expected >= threadMinBytes
    ? readArrivingOnThreads(input, { finalBytes, ...(twoThreads && { split: { near, secondPartStart: lineStartOnceArrived(input.path, upload, near) } }) }, passSignal, onProgress)
    : readPass(input, passSignal, onProgress, () => known)
  // Awaited by the stages; a job that ends before then must not leave a rejection unhandled.
  pass.catch(() => {})
  return {
    plan,
    pass,
    latest,
    follow: next => { listener = next },
    stop: () => stopped.abort(new Error('The read of the arriving file was stopped'))
  }
}

/**
 * Where the second thread starts: just after the first line feed at or after `near`, once the
 * upload has got a little beyond it (null if the upload ends before it, or has no line feed after it).
 */
async function lineStartOnceArrived (path: string, upload: ArrivingUpload, near: number): Promise<number | null> {
  await upload.whenBytes(near + PROBE_BYTES)
  const available = upload.isComplete ? (await upload.complete).files[0]?.bytes ?? 0 : await upload.bytesOnDisk()
  return lineStartAfter(path, near, available)
}
