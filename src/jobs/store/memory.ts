/**
 * The embedded job store: every live job in memory, subscribers woken by a plain callback the
 * moment an event is appended, and — when a journal is given — every change written under
 * DATA_DIR so a restart loses no finished result. Retention is one background sweep.
 */
import { jobIdInUse } from '../../errors.ts'
import { applyEvent, isTerminal, isTerminalEvent, queuedJob, type Job, type JobEvent, type NewJobEvent } from '../model.ts'
import type { DiskJournal } from './disk-journal.ts'
import type { EventListener, JobLookup, JobStore, NewJob, RetentionOptions } from './types.ts'

interface Entry {
  job: Job
  events: JobEvent[]
  /** In memory only when there is no journal; otherwise results live on disk. */
  result?: unknown
  hasResult: boolean
  /** null while the job is queued or running: pinned. */
  expiresAt: number | null
  persistedExpiresAt: number | null
  lastActivity: number
}

export interface MemoryStoreOptions extends RetentionOptions {
  sweepIntervalMs: number
  /** Omit for a purely in-memory store (tests, benchmarks). */
  journal?: DiskJournal
  onError?: (error: unknown, context: string) => void
  now?: () => number
}

export async function createMemoryStore (options: MemoryStoreOptions): Promise<JobStore & { sweep: () => void }> {
  const { journal, jobTtlSeconds, tombstoneTtlSeconds } = options
  const now = options.now ?? Date.now
  const ttlMs = jobTtlSeconds * 1000
  const entries = new Map<string, Entry>()
  const tombstones = new Map<string, number>()
  const listeners = new Map<string, Set<EventListener>>()
  const evictionListeners: Array<(id: string) => void> = []
  const reportError = options.onError ?? (() => {})
  const persist = (promise: Promise<void> | undefined, context: string) => promise?.catch(error => reportError(error, context))

  if (journal) {
    await journal.open()
    const stored = await journal.loadAll()
    for (const { job, events, expiresAt: recorded, hasResult } of stored.jobs) {
      // A finished job's expiry is its finishing time plus the TTL, unless a later read extended
      // it; reads since the last recorded extension are covered by a grace period after start-up.
      const finishedExpiry = job.finishedAt ? Date.parse(job.finishedAt) + ttlMs : null
      const expiresAt = finishedExpiry === null ? null : Math.max(finishedExpiry, recorded ?? 0, now() + Math.min(ttlMs, 60_000))
      entries.set(job.id, { job, events, hasResult, expiresAt, persistedExpiresAt: expiresAt, lastActivity: now() })
    }
    for (const { id, expiresAt } of stored.tombstones) tombstones.set(id, expiresAt)
  }

  function emit (id: string, event: JobEvent) {
    for (const listener of listeners.get(id) ?? []) {
      try {
        listener(event)
      } catch (error) {
        reportError(error, 'subscriber')
      }
    }
  }

  /** Every read of a finished job keeps it at least a TTL longer. */
  function extendRetention (id: string, entry: Entry) {
    if (entry.expiresAt === null) return
    entry.expiresAt = Math.max(entry.expiresAt, now() + ttlMs)
    // Persisting every read would cost a write per poll: only a move of a tenth of the TTL (at
    // least a minute) is written; the restart grace below covers what is not.
    if (journal && entry.expiresAt - (entry.persistedExpiresAt ?? 0) > Math.max(ttlMs / 10, 60_000)) {
      entry.persistedExpiresAt = entry.expiresAt
      void persist(journal.recordRetention(id, entry.expiresAt), 'retention')
    }
  }

  function sweep () {
    const at = now()
    for (const [id, entry] of entries) {
      if (entry.expiresAt === null || entry.expiresAt > at) continue
      evict(id, at)
    }
    for (const [id, expiresAt] of tombstones) {
      if (expiresAt > at) continue
      tombstones.delete(id)
      void persist(journal?.removeAll(id), 'tombstone expiry')
    }
  }

  function evict (id: string, at: number) {
    entries.delete(id)
    const tombstoneExpiresAt = at + tombstoneTtlSeconds * 1000
    tombstones.set(id, tombstoneExpiresAt)
    void persist(journal?.writeTombstone(id, tombstoneExpiresAt), 'eviction')
    for (const listener of evictionListeners) listener(id)
  }

  const timer = setInterval(sweep, options.sweepIntervalMs)
  let closed = false

  return {
    sweep,

    async create ({ id, pipeline, stages, input, firstEvent }: NewJob) {
      if (entries.has(id) || tombstones.has(id)) throw jobIdInUse()
      const at = new Date(now()).toISOString()
      const initial = queuedJob({ id, pipeline, stages, input }, at)
      const event = { ...firstEvent, seq: 1, at } as JobEvent
      const entry: Entry = { job: applyEvent(initial, event), events: [event], hasResult: false, expiresAt: null, persistedExpiresAt: null, lastActivity: now() }
      entries.set(id, entry)
      await persist(journal?.create(initial, event), 'create')
      emit(id, event)
      return entry.job
    },

    async get (id): Promise<JobLookup> {
      const entry = entries.get(id)
      if (entry) {
        extendRetention(id, entry)
        return { state: 'found', job: entry.job, expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt).toISOString() }
      }
      return tombstones.has(id) ? { state: 'expired' } : { state: 'missing' }
    },

    async list ({ status, limit }) {
      const jobs: Job[] = []
      for (const entry of entries.values()) {
        if (!status || entry.job.status === status) jobs.push(entry.job)
      }
      return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit)
    },

    async listUnfinished () {
      return [...entries.values()].filter(entry => !isTerminal(entry.job.status)).map(entry => entry.job)
    },

    async append (id, input: NewJobEvent) {
      const entry = entries.get(id)
      if (!entry || isTerminal(entry.job.status)) return null
      const event = { ...input, seq: entry.job.seq + 1, at: new Date(now()).toISOString() } as JobEvent
      entry.job = applyEvent(entry.job, event)
      entry.events.push(event)
      entry.lastActivity = now()
      if (isTerminalEvent(event)) {
        entry.expiresAt = now() + ttlMs
        entry.persistedExpiresAt = entry.expiresAt
      }
      if (journal) {
        // Wait for the disk before telling anyone: a client must never hold an event id that a
        // restart would hand out again.
        await persist(journal.appendEvent(id, event), 'append')
        if (isTerminalEvent(event)) await persist(journal.finish(id), 'close log')
      }
      emit(id, event)
      return event
    },

    async readEventsAfter (id, afterSeq) {
      const events = entries.get(id)?.events ?? []
      // Sequence numbers are 1-based and dense, so the index of seq N is N - 1.
      return events.slice(Math.max(0, afterSeq))
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

    async touch (id) {
      const entry = entries.get(id)
      if (entry) entry.lastActivity = now()
    },

    async listStalled (before) {
      return [...entries.values()]
        .filter(entry => entry.job.status === 'running' && entry.lastActivity < before.getTime())
        .map(entry => entry.job)
    },

    async saveResult (id, result) {
      const entry = entries.get(id)
      if (!entry) return
      entry.hasResult = true
      if (journal) await journal.writeResult(id, result)
      else entry.result = result
    },

    async getResult (id) {
      const entry = entries.get(id)
      if (!entry?.hasResult) return undefined
      extendRetention(id, entry)
      return journal ? journal.readResult(id) : entry.result
    },

    async remove (id) {
      if (entries.has(id)) evict(id, now())
    },

    onEvicted (listener) { evictionListeners.push(listener) },

    async ping () {
      if (closed) throw new Error('The job store is closed')
    },

    async close () {
      if (closed) return
      closed = true
      clearInterval(timer)
      await journal?.flush()
    }
  }
}
