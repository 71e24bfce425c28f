/**
 * The scale-out job store (REDIS_URL): every API instance and worker reads and writes the
 * same jobs. Snapshot in a hash, events in a Redis Stream per job (entry id = seq, the SSE
 * id), result beside them; retention by key expiry — an unfinished job's keys have none, a
 * finished job's expire a TTL after it finished or was last read, and a tombstone key outlives
 * them so the id answers 410. Live events come from one XREAD BLOCK reader per process
 * (redis-stream-reader.ts). Key layout: redis-keys.ts; atomic steps: redis-scripts.ts.
 *
 * While Redis is unreachable reads fail at once with a 503 (`store_unavailable`) and writes
 * wait up to `writeWaitMs` for it to return (see redis-append.ts).
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { jobIdInUse } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import { closeRedis, createRedisConnection, isReplyError, redactUrl, storeUnavailable, whenReady } from '../../redis/connection.ts'
import { applyEvent, queuedJob, type Job, type JobEvent, type JobStatus, type NewJobEvent } from '../model.ts'
import { createAppender, fieldOf, type AppendOptions } from './redis-append.ts'
import { createRedisKeys } from './redis-keys.ts'
import { checkpointScript, claimScript, createScript, readResultScript, readScript, releaseReservationScript, removeScript, reserveScript, saveResultScript, touchScript } from './redis-scripts.ts'
import { createStreamReader } from './redis-stream-reader.ts'
import { createEvictionSweep } from './redis-sweep.ts'
import { createRedisListing } from './redis-listing.ts'
import type { AppendListener, JobLookup, JobStore, NewJob, RetentionOptions } from './types.ts'

export interface RedisStoreOptions extends RetentionOptions {
  url: string
  /** REDIS_PREFIX: every key starts with it, so deployments (and tests) can share a Redis. */
  prefix: string
  log: Logger
  sweepIntervalMs: number
  /** How long a write waits for an unreachable Redis before failing; reads never wait. */
  writeWaitMs?: number
  /** How long start-up waits for Redis before giving up with a clear error. */
  connectTimeoutMs?: number
  now?: () => number
}

/** A job as a worker takes it: the snapshot, and how far earlier runs got. */
export interface ClaimedJob {
  job: Job
  /** Stages (from the first) the previous owner's run checkpointed as finished; 0 when none. */
  stagesDone: number
  /** Whether a result has been saved for the job. */
  hasResult: boolean
}

/** What workers need beyond the JobStore contract: one writer per job, fenced by ownership. */
export interface RedisJobStore extends JobStore {
  readonly kind: 'redis'
  /** Makes `owner` the only worker allowed to write this job; null when it is finished or gone. */
  claim: (id: string, owner: string) => Promise<ClaimedJob | null>
  /** Records, as `owner`, that the first `stagesDone` stages have finished; false when `owner` no longer holds the job. */
  checkpoint: (id: string, owner: string, stagesDone: number) => Promise<boolean>
  /** The store as one owner sees it: its appends are refused as soon as another owner holds the job. */
  ownedBy: (owner: string) => JobStore
  /**
   * Appends, as `owner`, a `queued` event built from the job's stored snapshot (its stage and
   * percent, never older ones), then lets go of the job so another worker can claim it.
   */
  release: (id: string, owner: string, message: string) => Promise<JobEvent | null>
  /** Status and owner, without counting as a read (retention unchanged). */
  peek: (id: string) => Promise<{ status: JobStatus, owner: string | null } | null>
}

/** The `queued` event of a job handed back to the queue: where the job is now, by its snapshot. */
export function handBackEvent (job: Job, message: string): NewJobEvent {
  const stageIndex = Math.max(0, job.stages.findIndex(stage => stage.name === job.stage))
  return {
    type: 'progress',
    phase: 'queued',
    stage: job.stage ?? job.stages[0]?.name ?? 'unknown',
    stageIndex,
    stageCount: job.stages.length,
    percent: job.percent,
    status: 'queued',
    message
  }
}

export const isRedisJobStore = (store: JobStore): store is RedisJobStore => (store as Partial<RedisJobStore>).kind === 'redis'

export async function createRedisStore (options: RedisStoreOptions): Promise<RedisJobStore> {
  const { log, prefix } = options
  const now = options.now ?? Date.now
  const ttlMs = options.jobTtlSeconds * 1000
  const tombstoneTtlMs = options.tombstoneTtlSeconds * 1000
  const keys = createRedisKeys(prefix)
  const redis = createRedisConnection(options.url, { name: `${prefix}:store`, log, maxRetriesPerRequest: 1 })
  const readerConnection = createRedisConnection(options.url, { name: `${prefix}:events`, log, maxRetriesPerRequest: null })
  try {
    await whenReady(redis, options.connectTimeoutMs ?? 10_000)
  } catch {
    redis.disconnect()
    readerConnection.disconnect()
    throw new Error(`Redis at ${redactUrl(options.url)} did not answer within ${Math.round((options.connectTimeoutMs ?? 10_000) / 1000)} s. Check REDIS_URL and that Redis is running.`)
  }
  const appendListeners = new Set<AppendListener>()
  const notifyAppended = (event: JobEvent, job: Job) => {
    for (const listener of appendListeners) {
      try {
        listener(event, job)
      } catch (error) {
        log.error({ err: error, jobId: job.id }, 'an append listener failed')
      }
    }
  }
  const appender = createAppender({ redis, keys, ttlMs, tombstoneTtlMs, writeWaitMs: options.writeWaitMs ?? 5000, now, onWritten: notifyAppended })
  const reader = createStreamReader({ reader: readerConnection, commands: redis, keys, log })
  const sweep = createEvictionSweep({ redis, keys, intervalMs: options.sweepIntervalMs, log })
  const listing = createRedisListing({ redis, keys })
  let closed = false

  /** Reads answer 503 at once while Redis is away; a dropped connection mid-read becomes that 503 too. */
  async function read<T> (operation: (connection: Redis) => Promise<T>): Promise<T> {
    await whenReady(redis, 0)
    try {
      return await operation(redis)
    } catch (error) {
      if (isReplyError(error)) throw error
      throw storeUnavailable()
    }
  }

  /** Writes other than append wait for Redis like append does; they are idempotent, so a retry is safe. */
  async function write<T> (operation: (connection: Redis) => Promise<T>): Promise<T> {
    const deadline = Date.now() + (options.writeWaitMs ?? 5000)
    for (;;) {
      await whenReady(redis, Math.max(0, deadline - Date.now()))
      try {
        return await operation(redis)
      } catch (error) {
        if (isReplyError(error) || Date.now() >= deadline) throw isReplyError(error) ? error : storeUnavailable()
      }
    }
  }

  const retentionArgs = (id: string, extend: boolean | undefined) => [now(), ttlMs, tombstoneTtlMs, id, extend === true ? 1 : 0]
  const retentionKeys = (id: string) => {
    const jobKeys = keys.ofJob(id)
    return [jobKeys.job, jobKeys.events, jobKeys.result, jobKeys.tomb, keys.expiring]
  }

  const store: RedisJobStore = {
    kind: 'redis',
    // A write that fails is retried while later ones go ahead.
    writesInOrder: false,

    async reserve (id) {
      const token = randomUUID()
      const jobKeys = keys.ofJob(id)
      const reserved = await write(connection => reserveScript.run(connection, [jobKeys.job, jobKeys.tomb], [token, tombstoneTtlMs]))
      if (reserved !== 1) throw jobIdInUse()
      return token
    },

    async releaseReservation (id, token) {
      await write(connection => releaseReservationScript.run(connection, [keys.ofJob(id).tomb], [token]))
    },

    async isReserved (id) {
      const tomb = await read(connection => connection.get(keys.ofJob(id).tomb))
      return tomb?.startsWith('reserved:') === true
    },

    async create ({ id, pipeline, stages, input, firstEvent, reservation }: NewJob) {
      const at = now()
      const createdAt = new Date(at).toISOString()
      const initial = queuedJob({ id, pipeline, stages, input }, createdAt)
      const event = { ...firstEvent, seq: 1, at: createdAt } as JobEvent
      const job = applyEvent(initial, event)
      const jobKeys = keys.ofJob(id)
      const token = randomUUID()
      const created = await write(connection => createScript.run(connection, [jobKeys.job, jobKeys.events, jobKeys.tomb, keys.jobs, keys.unfinished], [
        JSON.stringify(job), JSON.stringify(event), at, id, token, job.status, reservation ?? ''
      ]))
      if (created !== 1) throw jobIdInUse()
      appender.remember(job)
      notifyAppended(event, job)
      return job
    },

    async get (id, readOptions): Promise<JobLookup> {
      const [state, json, expiresAt] = await read(connection => readScript.run(connection, retentionKeys(id), retentionArgs(id, readOptions?.extendRetention))) as [string, string?, string?]
      if (state === 'expired') return { state: 'expired' }
      if (state !== 'found' || !json) return { state: 'missing' }
      return { state: 'found', job: JSON.parse(json) as Job, expiresAt: expiresAt ? new Date(Number(expiresAt)).toISOString() : null }
    },

    list: query => read(() => listing.list(query)),
    listUnfinished: () => read(() => listing.unfinished()),
    listStalled: before => read(() => listing.stalled(before.getTime())),

    append: (id, event) => appender.append(id, event),

    async readEventsAfter (id, afterSeq) {
      const entries = await read(connection => connection.xrange(keys.ofJob(id).events, `${Math.max(0, afterSeq) + 1}-0`, '+'))
      return entries.flatMap(([, fields]) => {
        const json = fieldOf(fields, 'e')
        return json ? [JSON.parse(json) as JobEvent] : []
      })
    },

    subscribe: (id, listener) => reader.subscribe(id, listener),
    subscriberCount: id => reader.count(id),

    onAppended (listener) {
      appendListeners.add(listener)
      return () => { appendListeners.delete(listener) }
    },

    async touch (id) {
      // Called fire-and-forget by the runner: it must never reject.
      if (redis.status !== 'ready') return
      await touchScript.run(redis, [keys.ofJob(id).job], [now()]).catch(error => log.debug({ err: error, jobId: id }, 'touch failed'))
    },

    async saveResult (id, result) {
      const jobKeys = keys.ofJob(id)
      const json = JSON.stringify(result)
      await write(connection => saveResultScript.run(connection, [jobKeys.job, jobKeys.result], [json]))
    },

    async getResult (id, readOptions) {
      const json = await read(connection => readResultScript.run(connection, retentionKeys(id), retentionArgs(id, readOptions?.extendRetention))) as string | null
      return json === null ? undefined : JSON.parse(json)
    },

    async remove (id) {
      const jobKeys = keys.ofJob(id)
      const removed = await write(connection => removeScript.run(connection,
        [jobKeys.job, jobKeys.events, jobKeys.result, jobKeys.tomb, keys.jobs, keys.unfinished, keys.expiring],
        [id, now() + tombstoneTtlMs]))
      appender.forget(id)
      if (removed === 1) sweep.notify(id)
    },

    onEvicted: listener => sweep.onEvicted(listener),

    async ping () {
      if (closed) throw new Error('The job store is closed')
      await whenReady(redis, 0)
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(storeUnavailable()), 1000) })
      try {
        await Promise.race([redis.ping(), timeout])
      } finally {
        clearTimeout(timer)
      }
    },

    async claim (id, owner) {
      const jobKeys = keys.ofJob(id)
      const reply = await write(connection => claimScript.run(connection, [jobKeys.job, jobKeys.result], [owner])) as [string, string, number] | null
      if (!reply) return null
      const job = JSON.parse(reply[0]) as Job
      appender.remember(job)
      return { job, stagesDone: Number(reply[1]) || 0, hasResult: reply[2] === 1 }
    },

    async checkpoint (id, owner, stagesDone) {
      return await write(connection => checkpointScript.run(connection, [keys.ofJob(id).job], [owner, stagesDone])) === 1
    },

    ownedBy: owner => ({ ...store, append: (id, event) => appender.append(id, event, { owner }) }),

    release: (id, owner, message) => appender.append(id, current => handBackEvent(current, message), { owner, release: true } satisfies AppendOptions),

    async peek (id) {
      const [status, owner] = await read(connection => connection.hmget(keys.ofJob(id).job, 'status', 'owner'))
      return status ? { status: status as JobStatus, owner: owner ?? null } : null
    },

    async close () {
      if (closed) return
      closed = true
      sweep.stop()
      await reader.close()
      await closeRedis(redis)
    }
  }
  return store
}
