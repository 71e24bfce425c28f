/**
 * The job store: the single source of truth for every job's snapshot, event log and result.
 * Implementations: `sqlite.ts` (embedded, durable under DATA_DIR; `:memory:` in tests) and
 * `redis.ts` (scale-out). One shared suite (`test/support/store-contract.ts`) runs over each.
 *
 * Retention belongs to the store: queued and running jobs are pinned; a finished job expires
 * `jobTtlSeconds` after it finished or was last read by a client, whichever is later; then a
 * tombstone answers "expired" for `tombstoneTtlSeconds`. Eviction happens in the background,
 * never inside a read.
 */
import type { Job, JobEvent, JobStatus, NewJobEvent } from '../model.ts'

export type JobLookup =
  | { state: 'found', job: Job, expiresAt: string | null }
  | { state: 'expired' }
  | { state: 'missing' }

export interface NewJob {
  id: string
  pipeline: string
  stages: Job['stages']
  input: Job['input']
  /** The first event, appended together with the snapshot (seq 1): the job is queued. */
  firstEvent: NewJobEvent
  /** The token `reserve` gave for this id; the reservation is consumed by the create. */
  reservation?: string
}

/**
 * An event to append, or how to build it from the snapshot it will follow, for a writer that is
 * not the job's runner (the upload's receiver): such an event can never carry older state than
 * the job already has. A builder that returns null appends nothing.
 */
export type EventInput = NewJobEvent | ((current: Job) => NewJobEvent | null)

export type EventListener = (event: JobEvent) => void
/** Sees every event this store instance writes, with the job's snapshot after it. */
export type AppendListener = (event: JobEvent, job: Job) => void
export type Unsubscribe = () => void

export interface RetentionOptions {
  jobTtlSeconds: number
  tombstoneTtlSeconds: number
}

export interface ReadOptions {
  /** A client's read: a finished job is then kept at least `jobTtlSeconds` from now. */
  extendRetention?: boolean
}

export interface JobStore {
  /**
   * True when no write is ever stored before one made earlier, and writes made in the same tick
   * are stored together or not at all (the embedded store's single transaction queue). A writer
   * can then hand over a result and the event that announces it at once, instead of waiting for
   * the first to be stored: a client can never see the event without the result.
   */
  readonly writesInOrder: boolean
  /**
   * Claims an id for an upload that is about to be written, before any byte of it is stored.
   * Throws `jobIdInUse` when the id is taken (a job, a tombstone, or another upload's reservation).
   * Returns the token that `create` and `releaseReservation` take.
   */
  reserve: (id: string) => Promise<string>
  /** Gives back an id whose upload was refused or failed, so it was never used. */
  releaseReservation: (id: string, token: string) => Promise<void>
  /** Whether an upload holds this id right now (start-up cleanup leaves its folder alone). */
  isReserved: (id: string) => Promise<boolean>
  /** Stores a new job and its first event. Throws `jobIdInUse` if the id was ever used or is reserved by another upload. */
  create: (job: NewJob) => Promise<Job>
  /** The job with its retention. */
  get: (id: string, options?: ReadOptions) => Promise<JobLookup>
  /** Recent jobs, newest first. */
  list: (query: { status?: JobStatus, limit: number }) => Promise<Job[]>
  /** Jobs that are queued or running (start-up recovery, stall detection). */
  listUnfinished: () => Promise<Job[]>
  /**
   * Appends an event and applies it to the snapshot in one operation; wakes subscribers once it
   * is stored. Returns null when the job is missing or already finished (a late writer lost a
   * race with cancel or stall detection and must stop), or when the store could not save the
   * job's progress (the store then ends the job `failed` with `storage_failed` itself), or when
   * a builder returned null.
   */
  append: (id: string, event: EventInput) => Promise<JobEvent | null>
  /** Events with `seq > afterSeq`, in order. Empty for an unknown id. */
  readEventsAfter: (id: string, afterSeq: number) => Promise<JobEvent[]>
  /**
   * Calls `listener` with every event appended from now on, including the first event of a
   * job that does not exist yet. Returns the function that stops it.
   */
  subscribe: (id: string, listener: EventListener) => Unsubscribe
  /** How many listeners a job has (0 once every stream has gone). */
  subscriberCount: (id: string) => number
  /** Calls `listener` with every event this store instance writes (metrics). */
  onAppended: (listener: AppendListener) => Unsubscribe
  /** Records that a running job's worker is alive (feeds stall detection without an event). */
  touch: (id: string) => Promise<void>
  /** Jobs running with no activity since `before`. */
  listStalled: (before: Date) => Promise<Job[]>
  saveResult: (id: string, result: unknown) => Promise<void>
  /** The stored result, or undefined when there is none. */
  getResult: (id: string, options?: ReadOptions) => Promise<unknown>
  /** Removes a finished job's data now, leaving a tombstone. */
  remove: (id: string) => Promise<void>
  /** Calls `listener` with the id of every job whose data is evicted, so its files can go too. */
  onEvicted: (listener: (id: string) => void) => void
  /** Health probe for `/ready`: resolves when the store answers. */
  ping: () => Promise<void>
  /** Stops background work and flushes writes. Safe to call twice. */
  close: () => Promise<void>
}
