/**
 * Whether a new upload is admitted. Accepted jobs wait in the queue anyway, so an upload is
 * refused only for what would actually run out: a queue already past its bound (a client would
 * wait too long, and every waiting upload holds disk), too little free space on DATA_DIR's disk
 * for the upload it announces, and whatever further checks are added — the memory budget hooks
 * in here with `addCheck`. A refusal says in `Retry-After` when to come back. A busy event loop
 * alone is no reason: on a loaded machine it refused most ordinary uploads while the queue was
 * short and the disk had room (see `@fastify/under-pressure`, opt-in, for that).
 */
import { statfs } from 'node:fs/promises'

export interface Refusal {
  /** Why, for the person reading the 503: "120 jobs are already waiting". */
  reason: string
  retryAfterSeconds: number
}

/** A check consulted for every upload; `declaredBytes` is its Content-Length, when sent. */
export type AdmissionCheck = (upload: { declaredBytes: number | undefined }) => Refusal | undefined | Promise<Refusal | undefined>

export interface UploadAdmissionOptions {
  queueDepth: () => Promise<number>
  maxQueuedJobs: number
  dataDir: string
  /** Free space to keep on DATA_DIR's filesystem beyond the upload itself; 0 turns the check off. */
  minFreeDiskBytes: number
  /** Free bytes on the filesystem holding `path` (tests pass their own disk). */
  freeBytes?: (path: string) => Promise<number>
  now?: () => number
}

export interface UploadAdmission {
  /** The first refusal among the checks, or undefined when the upload is admitted. */
  check: (upload: { declaredBytes: number | undefined }) => Promise<Refusal | undefined>
  /** Adds a check run after the built-in ones (e.g. the memory budget). */
  addCheck: (check: AdmissionCheck) => void
}

/** Retry-After per cause: a queue drains in tens of seconds, disk space comes back only when jobs are removed. */
export const RETRY_AFTER_SECONDS = { queue: 30, disk: 120 } as const

/** Free space is read at most this often: uploads can arrive hundreds per second. */
const DISK_SAMPLE_MS = 1000

const mib = (bytes: number) => `${Math.floor(bytes / 2 ** 20).toLocaleString('en-US')} MiB`

const freeBytesOf = async (path: string) => {
  const stats = await statfs(path)
  return stats.bavail * stats.bsize
}

export function createUploadAdmission (options: UploadAdmissionOptions): UploadAdmission {
  const { queueDepth, maxQueuedJobs, dataDir, minFreeDiskBytes, freeBytes = freeBytesOf, now = Date.now } = options
  const checks: AdmissionCheck[] = []
  let disk: { free: number, at: number } | undefined

  async function freeDisk (): Promise<number> {
    if (disk === undefined || now() - disk.at >= DISK_SAMPLE_MS) disk = { free: await freeBytes(dataDir), at: now() }
    return disk.free
  }

  return {
    async check (upload) {
      const waiting = await queueDepth()
      if (waiting >= maxQueuedJobs) {
        const jobs = waiting === 1 ? '1 job is' : `${waiting.toLocaleString('en-US')} jobs are`
        return { reason: `${jobs} already waiting (MAX_QUEUED_JOBS is ${maxQueuedJobs.toLocaleString('en-US')})`, retryAfterSeconds: RETRY_AFTER_SECONDS.queue }
      }
      if (minFreeDiskBytes > 0) {
        const free = await freeDisk()
        const needed = minFreeDiskBytes + (upload.declaredBytes ?? 0)
        if (free < needed) {
          return { reason: `the data disk has ${mib(free)} free and keeps ${mib(minFreeDiskBytes)} in reserve (MIN_FREE_DISK_BYTES)`, retryAfterSeconds: RETRY_AFTER_SECONDS.disk }
        }
      }
      for (const extra of checks) {
        const refusal = await extra(upload)
        if (refusal) return refusal
      }
      return undefined
    },
    addCheck (check) { checks.push(check) }
  }
}
