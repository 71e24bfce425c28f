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
  /** The file's size in bytes (for a file still arriving: what is there, or expected). */
  bytes: number
  /** For a file still being uploaded (`input.arriving`): its final size, once known. One thread reads it. */
  finalBytes?: Promise<number>
}

export async function readPassOnThreads (input: PassInput, { threads, bytes, finalBytes }: ThreadedPassOptions, signal: AbortSignal, onProgress: PassProgress): Promise<PassOutput> {
  if (input.arriving) {
    if (!finalBytes) throw new Error('A pass over an arriving file needs its final size')
    return runOnThread(input, signal, onProgress, finalBytes)
  }
  // Ranges are cut at line feed bytes, which only works this simply for UTF-8 with \n or \r\n.
  const splittable = threads > 1 && input.shape.encoding === 'utf8' && input.shape.lineEnding !== '\r'
  const ranges = splittable ? await planRanges(input.path, bytes, threads) : []
  if (ranges.length > 1) {
    const progress = ranges.map(() => ({ bytesRead: 0, rows: 0 }))
    const report = () => onProgress(sum(progress, 'bytesRead'), sum(progress, 'rows'))
    const passes = await allOrNothing(ranges.map((range, index) => (rangeSignal: AbortSignal) => runOnThread({ ...input, range }, rangeSignal, (bytesRead, rows) => {
      progress[index] = { bytesRead, rows }
      report()
    })), signal)
    const merged = mergePasses(passes, input.setup)
    if (merged) return merged
    // Rare (see merge-passes.ts): read again in one pass rather than risk a different answer.
  }
  return runOnThread(input, signal, onProgress)
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
