/**
 * Runs the read pass on worker threads, one byte range of the file each (byte-ranges.ts), and
 * merges their results (merge-passes.ts). Parsing is most of a big report's time, and the ranges
 * parse in parallel, so two threads read a 200 MB file in about 60% of the time of one.
 *
 * Each thread has a small young generation. Parsing 200 MB of CSV allocates gigabytes of
 * short-lived strings and row arrays; on the main thread V8 answers that by doubling the
 * server's young generation (64 → 128 MB resident, kept after the job), while a thread capped at
 * YOUNG_GENERATION_MB parses about as fast and hands all its memory back when it ends. It also
 * keeps the event loop free for other requests and progress streams meanwhile.
 */
import { Worker } from 'node:worker_threads'
import { planRanges } from './byte-ranges.ts'
import { mergePasses } from './merge-passes.ts'
import type { PassInput, PassOutput, PassProgress } from './read-pass.ts'
import type { FinalBytesMessage, PassMessage } from './read-pass-worker.ts'

/**
 * V8 splits this into two 8 MB semi-spaces plus room for new large objects. Measured on a
 * 3M-row file (/proc RSS): 48 MB peaked 14 MB higher for no measurable gain in time; 12 MB
 * saved 8 MB more but read ~4% slower.
 */
export const YOUNG_GENERATION_MB = 24

export interface ThreadedPassOptions {
  /** Threads to read with; 1 reads the whole file on one thread. */
  threads: number
  /** The file's size in bytes. */
  bytes: number
}

/** Whether the file can be cut into byte ranges at line feed bytes: UTF-8 with \n or \r\n line ends. */
export const splittable = (shape: PassInput['shape']): boolean => shape.encoding === 'utf8' && shape.lineEnding !== '\r'

export async function readPassOnThreads (input: PassInput, { threads, bytes }: ThreadedPassOptions, signal: AbortSignal, onProgress: PassProgress): Promise<PassOutput> {
  const ranges = threads > 1 && splittable(input.shape) ? await planRanges(input.path, bytes, threads) : []
  if (ranges.length > 1) {
    const progress = ranges.map(() => ({ bytesRead: 0, rows: 0 }))
    const passes = await allOrNothing(ranges.map((range, index) => (rangeSignal: AbortSignal) => runOnThread({ ...input, range }, rangeSignal, track(progress, index, onProgress))), signal)
    const merged = mergePasses(passes, input.setup)
    if (merged) return merged
    // Rare (see merge-passes.ts): read again in one pass rather than risk a different answer.
  }
  return runOnThread(input, signal, onProgress)
}

export interface ArrivingPassOptions {
  /** The file's final size, once its upload is complete. */
  finalBytes: Promise<number>
  /**
   * To read in two parts: the second starts just after the first line feed at or after `near`
   * (`secondPartStart`, once that much has arrived; null when there is none), and the first
   * ends there.
   */
  split?: { near: number, secondPartStart: Promise<number | null> }
}

/**
 * A file still being uploaded (`input.arriving`). One thread starts on its first bytes; with
 * `split`, a second one reads from the middle as the rest arrives, and the first stops where the
 * second began. So when the last byte arrives, what is left to read is shared by two threads.
 * Parts that cannot be merged (merge-passes.ts) are read again in one pass once the upload is
 * complete.
 */
export async function readArrivingOnThreads (input: PassInput, { finalBytes, split }: ArrivingPassOptions, signal: AbortSignal, onProgress: PassProgress): Promise<PassOutput> {
  if (!split) return runOnThread(input, signal, onProgress, finalBytes)
  const { near, secondPartStart } = split
  const progress = [{ bytesRead: 0, rows: 0 }, { bytesRead: 0, rows: 0 }]
  const passes = await allOrNothing<PassOutput | null>([
    // Until the second part's start is known, the first may not read past `near`.
    partSignal => runOnThread({ ...input, range: { start: 0, header: true, holdAt: near } }, partSignal, track(progress, 0, onProgress), secondPartStart.then(start => start ?? finalBytes)),
    partSignal => secondPartStart.then(start => start === null ? null : runOnThread({ ...input, range: { start, header: false } }, partSignal, track(progress, 1, onProgress), finalBytes))
  ], signal)
  const [first, second] = passes as [PassOutput, PassOutput | null]
  if (!second) return first
  const merged = mergePasses([first, second], input.setup)
  if (merged) return merged
  await finalBytes
  return runOnThread({ ...input, arriving: false }, signal, onProgress)
}

/** A progress callback for part `index` of a read in parts, reporting the sum over the parts. */
function track (progress: Array<{ bytesRead: number, rows: number }>, index: number, onProgress: PassProgress): PassProgress {
  return (bytesRead, rows) => {
    progress[index] = { bytesRead, rows }
    onProgress(sum(progress, 'bytesRead'), sum(progress, 'rows'))
  }
}

function sum<K extends string> (items: ReadonlyArray<Record<K, number>>, key: K): number {
  let total = 0
  for (const item of items) total += item[key]
  return total
}

/** Runs tasks side by side; the first failure aborts the others (ending their threads). */
async function allOrNothing<T> (tasks: ReadonlyArray<(signal: AbortSignal) => Promise<T>>, signal: AbortSignal): Promise<T[]> {
  const failed = new AbortController()
  const shared = AbortSignal.any([signal, failed.signal])
  return Promise.all(tasks.map(task => task(shared).catch((error: unknown) => {
    failed.abort(error)
    throw error
  })))
}

function runOnThread (input: PassInput, signal: AbortSignal, onProgress: PassProgress, finalBytes?: Promise<number>): Promise<PassOutput> {
  signal.throwIfAborted()
  const worker = new Worker(new URL('./read-pass-worker.ts', import.meta.url), {
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  finalBytes?.then(bytes => worker.postMessage({ type: 'final-bytes', bytes } satisfies FinalBytesMessage), () => { /* the run stops: the signal ends the thread */ })
  return new Promise<PassOutput>((resolve, reject) => {
    let finished = false
    const finish = (error: unknown, output?: PassOutput) => {
      if (finished) return
      finished = true
      signal.removeEventListener('abort', onAbort)
      // terminate() resolves once the thread is gone, so its memory is released before we go on.
      worker.terminate().then(() => (output ? resolve(output) : reject(error)), reject)
    }
    const onAbort = () => finish(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (message: PassMessage) => {
      if (message.type === 'progress') onProgress(message.bytesRead, message.rows)
      else finish(undefined, message.output)
    })
    worker.on('error', error => finish(error))
    worker.on('exit', code => finish(new Error(`The read pass thread stopped (exit code ${code}) before it finished`)))
  })
}
