/**
 * The embedded store's write path: everything handed to it within FLUSH_WINDOW_MS goes to the
 * database in one transaction, and only then does the store hear, write by write, whether it
 * is stored — so nothing reaches a subscriber before it is on disk.
 *
 * A job's row is written when it is created and rewritten once, when it ends: until then its
 * events are the record (the row keeps saying `queued`), and memory holds the up-to-date
 * snapshot (`LiveJob.pending`/`committed`), which is also what lists of unfinished jobs read.
 */
import type { DatabaseSync } from 'node:sqlite'
import { isTerminal, type Job, type JobEvent } from '../model.ts'
import type { SqliteStatements } from './sqlite-statements.ts'

/**
 * How long a write waits for others to share its transaction. A commit costs about as much as
 * twenty event inserts; with dozens of jobs running, 2 ms gathers most of a busy moment's
 * events into one, and is far below what a person watching a progress bar can see.
 */
const FLUSH_WINDOW_MS = 2

/** A queued or running job as the store holds it in memory. */
export interface LiveJob {
  /** The job's number in the database, which its events are keyed by. */
  key: number
  /** What the database holds (events included); what every reader sees. */
  committed: Job
  /** `committed` plus the appends waiting for the transaction. */
  pending: Job
  lastActivity: number
  /** Its progress could not be saved: it takes no more events until the store has ended it. */
  doomed: boolean
}

/** A write waiting for the transaction. */
export type PendingWrite =
  | { kind: 'create', job: Job, key: number, event: JobEvent, done: (error?: unknown) => void }
  | { kind: 'append', live: LiveJob, event: JobEvent, resolve: (event: JobEvent | null) => void }
  | { kind: 'result', id: string, json: string, done: (error?: unknown) => void }
  /** A client read a finished job: keep it until at least `expiresAt`. */
  | { kind: 'extend', id: string, expiresAt: number }

export interface SqliteWriterOptions {
  db: DatabaseSync
  sql: SqliteStatements
  /** When a job's data expires (null while it is unfinished). */
  expiryOf: (job: Job) => number | null
  /** The batch is stored; `touched` are the jobs whose appends it held. */
  onCommitted: (writes: readonly PendingWrite[], touched: ReadonlySet<LiveJob>) => void
  /** The batch was rolled back: none of it is stored. */
  onFailed: (writes: readonly PendingWrite[], error: unknown) => void
}

export function createSqliteWriter ({ db, sql, expiryOf, onCommitted, onFailed }: SqliteWriterOptions) {
  let batch: PendingWrite[] = []
  let timer: NodeJS.Timeout | undefined

  function transaction<T> (work: () => T): T {
    db.exec('BEGIN')
    try {
      const result = work()
      db.exec('COMMIT')
      return result
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw error
    }
  }

  function write (item: PendingWrite, touched: Set<LiveJob>) {
    switch (item.kind) {
      case 'create':
        sql.insertJob.run(item.key, item.job.id, item.job.status, item.job.createdAt, JSON.stringify(item.job))
        sql.insertEvent.run(item.key, item.event.seq, JSON.stringify(item.event))
        break
      case 'append':
        sql.insertEvent.run(item.live.key, item.event.seq, JSON.stringify(item.event))
        touched.add(item.live)
        break
      case 'result':
        sql.saveResult.run(item.id, item.json)
        break
      case 'extend':
        sql.extendRetention.run(item.expiresAt, item.id)
    }
  }

  /** Writes the batch now (the store calls it before a sweep and at close). */
  function flush () {
    clearTimeout(timer)
    timer = undefined
    const writes = batch
    batch = []
    if (writes.length === 0) return
    const touched = new Set<LiveJob>()
    try {
      transaction(() => {
        for (const item of writes) write(item, touched)
        for (const { pending } of touched) {
          if (isTerminal(pending.status)) sql.updateJob.run(pending.status, JSON.stringify(pending), expiryOf(pending), pending.id)
        }
      })
    } catch (error) {
      onFailed(writes, error)
      return
    }
    onCommitted(writes, touched)
  }

  function enqueue (item: PendingWrite) {
    batch.push(item)
    timer ??= setTimeout(flush, FLUSH_WINDOW_MS)
  }

  return {
    transaction,
    flush,
    enqueue,
    /** A write that resolves once stored and rejects with the error `onFailed` hands its `done`. */
    committed (make: (done: (error?: unknown) => void) => PendingWrite): Promise<void> {
      return new Promise((resolve, reject) => enqueue(make(error => error === undefined ? resolve() : reject(error))))
    }
  }
}
