/**
 * A job's upload while it is still arriving, as the process that runs the job sees it: the
 * bytes on disk so far, and the moment it is complete. The receiver says so with the job's
 * `received` event, which carries the complete input; it reaches this process through the store,
 * so a worker in another process learns it exactly as the embedded runner does.
 */
import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Job, JobInput } from './model.ts'
import type { JobStore } from './store/types.ts'

/** How often the bytes on disk are looked at while a stage waits for the rest of an upload. */
const ARRIVAL_POLL_MS = 250
/** Shorter while waiting for a file's first bytes: the job's first check waits on them. */
const SAMPLE_POLL_MS = 20

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export interface ArrivingUpload {
  /** The request's announced length (roughly the file's size), when the client sent one. */
  readonly expectedBytes: number | null
  /** The job's input: as far as it has arrived, then complete. */
  readonly input: JobInput
  /** Whether every byte is stored (`input` is then complete). */
  readonly isComplete: boolean
  /** Resolves with the complete input; rejects when the run is stopped first. */
  readonly complete: Promise<JobInput>
  /** Bytes of the upload's files on disk now. */
  bytesOnDisk: () => Promise<number>
  /** Resolves once `bytes` are on disk or the upload is complete, whichever is first. */
  whenBytes: (bytes: number) => Promise<void>
  /**
   * Calls `onPoll` with the bytes on disk every ARRIVAL_POLL_MS until the upload is complete,
   * and whether they grew since the last call; resolves with the complete input. It writes
   * nothing itself: a caller that reports only news (bytes that grew, rows read) leaves a job
   * whose client stopped sending silent, and the stall watchdog ends it.
   */
  whileArriving: (onPoll: (bytes: number, grew: boolean) => void) => Promise<JobInput>
  /** Stops listening for the `received` event (the run is over); waits still pending end. */
  close: () => void
}

/** Sizes in upload messages: "133.2 MB". */
export const megabytes = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`

/**
 * Undefined when the job's upload had already arrived whole before it was created or taken.
 * `pathOf(n)` is where the upload's file number n is stored (data-dir.ts).
 */
export function followUpload (store: JobStore, job: Job, signal: AbortSignal, pathOf: (index: number) => string): ArrivingUpload | undefined {
  const receiving = job.input.receiving
  if (!receiving) return undefined
  let input = job.input
  let completed = false
  const { promise: complete, resolve, reject } = Promise.withResolvers<JobInput>()
  // A run stopped before its upload completed rejects `complete`; that need not be awaited.
  complete.catch(() => {})

  const finish = (whole: JobInput) => {
    if (completed) return
    completed = true
    input = whole
    resolve(whole)
    close()
  }
  const unsubscribe = store.subscribe(job.id, event => {
    if (event.type === 'progress' && event.phase === 'received' && event.input) finish(event.input)
  })
  const onAbort = () => close(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  /** Stops listening; an upload not yet complete rejects `complete`, which ends the waiting loops. */
  function close (reason: unknown = new Error('The job\'s run ended before its upload was complete')) {
    unsubscribe()
    signal.removeEventListener('abort', onAbort)
    reject(reason)
  }
  // The event may have been written before this process subscribed: the snapshot then says so.
  store.get(job.id).then(lookup => {
    if (lookup.state === 'found' && !lookup.job.input.receiving) finish(lookup.job.input)
  }, () => { /* the next event or the stall watchdog decides */ })

  // A function, not the variable: the loops below wait for the subscription to change it.
  const isComplete = () => completed
  const sizeOf = (path: string) => stat(path).then(info => info.size, () => undefined)
  // Files after the first are not in the input until the upload completes: they are counted on
  // disk, numbered on from the first, up to the first that is not there (yet).
  const first = job.input.files[0]?.path
  const legacyDir = first !== undefined && first !== pathOf(1) ? dirname(first) : undefined
  async function bytesOnDisk (): Promise<number> {
    if (legacyDir !== undefined) return await bytesInFolder(legacyDir)
    let total = 0
    for (let index = 1; ; index++) {
      const size = await sizeOf(pathOf(index))
      if (size === undefined) return total
      total += size
    }
  }
  /** An upload stored by an older version: a folder of its own. */
  async function bytesInFolder (dir: string): Promise<number> {
    const names = await readdir(dir).catch(() => [] as string[])
    const sizes = await Promise.all(names.map(name => sizeOf(join(dir, name))))
    return sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0)
  }

  return {
    expectedBytes: receiving.expectedBytes,
    get input () { return input },
    get isComplete () { return completed },
    complete,
    bytesOnDisk,
    async whenBytes (wanted) {
      while (!isComplete() && await bytesOnDisk() < wanted) await Promise.race([complete, delay(SAMPLE_POLL_MS)])
    },
    async whileArriving (onPoll) {
      let before = -1
      while (!isComplete()) {
        const bytes = await bytesOnDisk()
        onPoll(bytes, bytes !== before)
        before = bytes
        await Promise.race([complete, delay(ARRIVAL_POLL_MS)])
      }
      return input
    },
    close: () => close()
  }
}
