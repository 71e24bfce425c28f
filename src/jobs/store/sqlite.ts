/**
 * The embedded job store on SQLite (`node:sqlite`): jobs, their event logs, results and
 * tombstones in one database file under DATA_DIR (`:memory:` for tests).
 *
 * Queued and running jobs are also held in memory, each with two snapshots: `pending` (every
 * event handed to `append`) and `committed` (what the database holds). Appends made in the same
 * tick are written in one transaction; only after it commits are the events handed to
 * subscribers, so a client never holds an event id that a restart could hand out again. When a
 * write fails (disk full, I/O error) the batch is rolled back, its jobs go back to their
 * committed snapshot and stop taking events, and the store ends each of them `failed` with
 * `storage_failed` as soon as the disk takes a write again: the sequence numbers given out stay
 * exactly the stored ones.
 */
import { randomUUID } from 'node:crypto'
import { insufficientStorage, jobIdInUse, STORAGE_FAILED, storageUnavailable, type AppError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import { applyEvent, isTerminal, queuedJob, type Job, type JobEvent } from '../model.ts'
import { openDatabase, SQLITE, sqliteCode } from './sqlite-database.ts'
import { createSqliteStatements } from './sqlite-statements.ts'
import { createSqliteWriter, type LiveJob, type PendingWrite } from './sqlite-writer.ts'
import type { AppendListener, EventInput, EventListener, JobLookup, JobStore, NewJob, RetentionOptions } from './types.ts'

export interface SqliteStoreOptions extends RetentionOptions {
  /** The database file, or `:memory:`. */
  path: string
  sweepIntervalMs: number
  log: Logger
  /** How often the store retries ending a job whose progress it could not save. */
  repairIntervalMs?: number
  now?: () => number
}

export type SqliteJobStore = JobStore & {
  readonly kind: 'sqlite'
  /** Runs the retention sweep now (tests; it also runs on its own timer). */
  sweep: () => void
}

export function createSqliteStore (options: SqliteStoreOptions): SqliteJobStore {
  const { log } = options
  const now = options.now ?? Date.now
  const ttlMs = options.jobTtlSeconds * 1000
  const tombstoneTtlMs = options.tombstoneTtlSeconds * 1000
  const { db } = openDatabase(options.path, log, now)
  const sql = createSqliteStatements(db)

  const live = new Map<string, LiveJob>()
  /**
   * Ids held by uploads still arriving. One process owns the database (it is opened
   * exclusively), and a reservation dies with the process, so memory is where it belongs.
   */
  const reservations = new Map<string, string>()
  /** Ids whose create is waiting for the transaction. */
  const creating = new Set<string>()
  const listeners = new Map<string, Set<EventListener>>()
  const appendListeners = new Set<AppendListener>()
  const evictionListeners: Array<(id: string) => void> = []
  /** Retention extensions waiting for the batch, so reads until then see them already. */
  const extensions = new Map<string, number>()
  let repairTimer: NodeJS.Timeout | undefined
  let closed = false

  const liveJob = (job: Job, key: number): LiveJob => ({ key, committed: job, pending: job, lastActivity: now(), doomed: false })
  // An unfinished job's row holds its snapshot as of its last status change; its events since
  // then bring it up to date.
  for (const row of sql.unfinished.all()) {
    const id = row.id as string
    const key = row.key as number
    const stored = parseJob(id, row.snapshot as string)
    const events = stored && parseEvents(id, sql.eventsAfterByKey.all(key, stored.seq))
    if (stored && events) live.set(id, liveJob(events.reduce(applyEvent, stored), key))
  }
  /** The last job number given out; numbers only grow, so a new job's events go at the table's end. */
  let lastKey = sql.lastKey.get()?.key as number

  /** Events of one moment share their timestamp string: it is formatted once per millisecond. */
  let isoMs = Number.NaN
  let isoText = ''
  const iso = (ms: number) => {
    if (ms !== isoMs) {
      isoMs = ms
      isoText = new Date(ms).toISOString()
    }
    return isoText
  }
  const expiryOf = (job: Job) => job.finishedAt === null ? null : Date.parse(job.finishedAt) + ttlMs
  const writer = createSqliteWriter({ db, sql, expiryOf, onCommitted: committed, onFailed: failed })
  const { transaction, enqueue, flush } = writer

  /** A write error as the client should see it: 507 when the disk is full, else 503. */
  function writeFailure (error: unknown): AppError {
    log.error({ err: error }, 'the job database could not be written')
    return sqliteCode(error) === SQLITE.FULL ? insufficientStorage() : storageUnavailable()
  }

  /** Reads a stored snapshot; an unreadable one is quarantined with its job id, never silently skipped. */
  function parseJob (id: string, json: string): Job | undefined {
    try {
      return JSON.parse(json) as Job
    } catch (error) {
      quarantine(id, 'unreadable snapshot', json, error)
      return undefined
    }
  }

  function parseEvents (id: string, rows: ReadonlyArray<Record<string, unknown>>): JobEvent[] | undefined {
    try {
      return rows.map(row => JSON.parse(row.body as string) as JobEvent)
    } catch (error) {
      quarantine(id, 'unreadable event', null, error)
      return undefined
    }
  }

  function quarantine (id: string, reason: string, snapshot: string | null, error: unknown) {
    log.error({ err: error, jobId: id, reason }, 'a stored job could not be read; it was moved to quarantine')
    try {
      transaction(() => {
        sql.quarantine.run(id, reason, now(), snapshot ?? (sql.job.get(id)?.snapshot as string | undefined) ?? null)
        sql.deleteJob.run(id)
        sql.insertTombstone.run(id, now() + tombstoneTtlMs)
      })
      live.delete(id)
    } catch (writeError) {
      log.error({ err: writeError, jobId: id }, 'could not quarantine an unreadable job')
    }
  }

  function emit (id: string, event: JobEvent, job: Job) {
    for (const listener of listeners.get(id) ?? []) {
      try {
        listener(event)
      } catch (error) {
        log.error({ err: error, jobId: id }, 'an event subscriber failed')
      }
    }
    for (const listener of appendListeners) {
      try {
        listener(event, job)
      } catch (error) {
        log.error({ err: error, jobId: id }, 'an append listener failed')
      }
    }
  }

  /** The batch is stored: the snapshots move on, and subscribers hear of it, in order. */
  function committed (writes: readonly PendingWrite[], touched: ReadonlySet<LiveJob>) {
    for (const job of touched) {
      job.committed = job.pending
      if (isTerminal(job.committed.status)) live.delete(job.committed.id)
    }
    for (const write of writes) {
      if (write.kind === 'create') {
        const { job, key, event } = write
        creating.delete(job.id)
        reservations.delete(job.id)
        live.set(job.id, liveJob(job, key))
        write.done()
        emit(job.id, event, job)
      } else if (write.kind === 'append') {
        write.resolve(write.event)
        const { committed } = write.live
        emit(committed.id, write.event, committed)
      } else if (write.kind === 'result') {
        write.done()
      } else if (extensions.get(write.id) === write.expiresAt) {
        extensions.delete(write.id)
      }
    }
  }

  /** The batch was rolled back: its creates and results fail, its jobs stop and will be ended. */
  function failed (writes: readonly PendingWrite[], error: unknown) {
    const failure = writeFailure(error)
    for (const write of writes) {
      if (write.kind === 'create') {
        creating.delete(write.job.id)
        write.done(failure)
      } else if (write.kind === 'append') {
        doom(write.live, error)
        write.resolve(null)
      } else if (write.kind === 'result') {
        const job = live.get(write.id)
        if (job) doom(job, error)
        write.done(failure)
      } else {
        // A lost retention extension only means the job may expire on its earlier schedule.
        extensions.delete(write.id)
      }
    }
  }

  function doom (job: LiveJob, error: unknown) {
    job.pending = job.committed
    if (job.doomed) return
    job.doomed = true
    log.error({ err: error, jobId: job.committed.id, seq: job.committed.seq }, 'could not save the job\'s progress; it will be ended as failed')
    repairTimer ??= setInterval(endDoomedJobs, options.repairIntervalMs ?? 1000)
  }

  /** Ends every job whose progress could not be saved, once the database takes a write again. */
  function endDoomedJobs () {
    for (const job of live.values()) {
      if (!job.doomed) continue
      const { committed } = job
      const event = {
        type: 'failed',
        stage: committed.stage,
        code: STORAGE_FAILED,
        message: 'The server could not save this job\'s progress (its storage is full or failing), so the job was stopped. Upload the file again; if it keeps happening, tell the server\'s operator.',
        seq: committed.seq + 1,
        at: iso(now())
      } satisfies JobEvent
      const ended = applyEvent(committed, event)
      try {
        transaction(() => {
          sql.insertEvent.run(job.key, event.seq, JSON.stringify(event))
          sql.updateJob.run(ended.status, JSON.stringify(ended), expiryOf(ended), ended.id)
        })
      } catch {
        return // still failing: the next round tries again
      }
      job.committed = job.pending = ended
      live.delete(ended.id)
      log.warn({ jobId: ended.id, seq: event.seq }, 'job ended as failed after its progress could not be saved')
      emit(ended.id, event, ended)
    }
    if (![...live.values()].some(job => job.doomed)) {
      clearInterval(repairTimer)
      repairTimer = undefined
    }
  }

  function evicted (ids: string[]) {
    for (const id of ids) {
      for (const listener of evictionListeners) listener(id)
    }
  }

  function sweep () {
    flush()
    const at = now()
    try {
      const ids = transaction(() => {
        sql.tombstoneExpired.run(at + tombstoneTtlMs, at)
        const gone = sql.deleteExpired.all(at).map(row => row.id as string)
        sql.deleteExpiredTombstones.run(at)
        return gone
      })
      evicted(ids)
    } catch (error) {
      log.error({ err: error }, 'the retention sweep failed; it runs again on its next tick')
    }
  }

  const sweepTimer = setInterval(sweep, options.sweepIntervalMs)

  function lookup (id: string, extendRetention: boolean): JobLookup {
    const running = live.get(id)
    if (running) return { state: 'found', job: running.committed, expiresAt: null }
    const row = sql.job.get(id)
    if (!row) return sql.tombstone.get(id) ? { state: 'expired' } : { state: 'missing' }
    const job = parseJob(id, row.snapshot as string)
    if (!job) return { state: 'expired' }
    const stored = row.expires_at as number | null
    let expiresAt = stored === null ? null : Math.max(stored, extensions.get(id) ?? stored)
    if (extendRetention && expiresAt !== null && expiresAt < now() + ttlMs) {
      // Written with the batch's other writes: a busy poller costs no transaction per read.
      expiresAt = now() + ttlMs
      extensions.set(id, expiresAt)
      enqueue({ kind: 'extend', id, expiresAt })
    }
    return { state: 'found', job, expiresAt: expiresAt === null ? null : iso(expiresAt) }
  }

  return {
    kind: 'sqlite',
    writesInOrder: true,
    sweep,

    async reserve (id) {
      if (reservations.has(id) || creating.has(id) || live.has(id) || sql.job.get(id) || sql.tombstone.get(id)) throw jobIdInUse()
      const token = randomUUID()
      reservations.set(id, token)
      return token
    },

    async releaseReservation (id, token) {
      if (reservations.get(id) === token) reservations.delete(id)
    },

    async isReserved (id) {
      return reservations.has(id)
    },

    async create ({ id, pipeline, stages, input, firstEvent, reservation }: NewJob) {
      const held = reservations.get(id)
      if ((held !== undefined && held !== reservation) || creating.has(id) || live.has(id) || sql.job.get(id) || sql.tombstone.get(id)) throw jobIdInUse()
      const at = iso(now())
      const event = { ...firstEvent, seq: 1, at } as JobEvent
      const job = applyEvent(queuedJob({ id, pipeline, stages, input }, at), event)
      creating.add(id)
      const key = ++lastKey
      await writer.committed(done => ({ kind: 'create', job, key, event, done }))
      return job
    },

    async get (id, readOptions) {
      return lookup(id, readOptions?.extendRetention === true)
    },

    async list ({ status, limit }) {
      // An unfinished job's row keeps the status it was created with: memory holds them all.
      if (status !== undefined && !isTerminal(status)) {
        return [...live.values()].map(job => job.committed).filter(job => job.status === status)
          .sort((a, b) => a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0).slice(0, limit)
      }
      const rows = status ? sql.listByStatus.all(status, limit) : sql.list.all(limit)
      return rows.flatMap(row => live.get(row.id as string)?.committed ?? parseJob(row.id as string, row.snapshot as string) ?? [])
    },

    async listUnfinished () {
      return [...live.values()].map(job => job.committed)
    },

    async append (id, eventOf: EventInput) {
      const job = live.get(id)
      if (!job || job.doomed || isTerminal(job.pending.status)) return null
      const input = typeof eventOf === 'function' ? eventOf(job.pending) : eventOf
      if (!input) return null
      const event = { ...input, seq: job.pending.seq + 1, at: iso(now()) } as JobEvent
      job.pending = applyEvent(job.pending, event)
      job.lastActivity = now()
      return new Promise(resolve => enqueue({ kind: 'append', live: job, event, resolve }))
    },

    async readEventsAfter (id, afterSeq) {
      return parseEvents(id, sql.eventsAfter.all(id, Math.max(0, afterSeq))) ?? []
    },

    subscribe (id, listener) {
      let set = listeners.get(id)
      if (!set) listeners.set(id, set = new Set())
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0 && listeners.get(id) === set) listeners.delete(id)
      }
    },

    subscriberCount: id => listeners.get(id)?.size ?? 0,

    onAppended (listener) {
      appendListeners.add(listener)
      return () => { appendListeners.delete(listener) }
    },

    async touch (id) {
      const job = live.get(id)
      if (job) job.lastActivity = now()
    },

    async listStalled (before) {
      return [...live.values()]
        .filter(job => !job.doomed && job.committed.status === 'running' && job.lastActivity < before.getTime())
        .map(job => job.committed)
    },

    async saveResult (id, result) {
      const json = JSON.stringify(result)
      await writer.committed(done => ({ kind: 'result', id, json, done }))
    },

    async getResult (id, readOptions) {
      const row = sql.result.get(id)
      if (!row) return undefined
      if (readOptions?.extendRetention) lookup(id, true)
      return JSON.parse(row.body as string)
    },

    async remove (id) {
      flush()
      const row = sql.job.get(id)
      if (!row || live.has(id)) return
      try {
        transaction(() => {
          sql.deleteJob.run(id)
          sql.insertTombstone.run(id, now() + tombstoneTtlMs)
        })
      } catch (error) {
        throw writeFailure(error)
      }
      evicted([id])
    },

    onEvicted (listener) { evictionListeners.push(listener) },

    async ping () {
      if (closed) throw new Error('The job store is closed')
      sql.ping.get()
    },

    async close () {
      if (closed) return
      closed = true
      clearInterval(sweepTimer)
      clearInterval(repairTimer)
      flush()
      db.close()
    }
  }
}
