/**
 * `append` for the Redis store: the next snapshot is derived in TypeScript with `applyEvent`,
 * then written with the event by one compare-and-set script (see redis-scripts.ts).
 *
 * - Appends for one job from this process go out in call order (a runner's in-stage progress
 *   must not overtake the stage's `finished` event); other processes are ordered by the CAS.
 * - The last snapshot this process wrote is kept, so a runner's append costs one round trip;
 *   a conflict (someone else appended) reloads it.
 * - While Redis is away a write waits up to `writeWaitMs` for it to come back and retries.
 *   Each append carries a random token stored with the event, so a retry (ours, or ioredis
 *   resending after a reconnect) whose first attempt had in fact been applied gets its own
 *   event back instead of appending a duplicate.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { isReplyError, storeUnavailable, whenReady } from '../../redis/connection.ts'
import { applyEvent, isTerminal, isTerminalEvent, type Job, type JobEvent } from '../model.ts'
import type { RedisKeys } from './redis-keys.ts'
import type { EventInput } from './types.ts'
import { appendScript } from './redis-scripts.ts'

export interface AppendOptions {
  /** Only this owner may write (a worker's claim); empty for the API's cancel and stall decisions. */
  owner?: string
  /** Clears the owner after this event (a worker handing a job back to the queue). */
  release?: boolean
}

export interface AppenderOptions {
  redis: Redis
  keys: RedisKeys
  ttlMs: number
  tombstoneTtlMs: number
  writeWaitMs: number
  now: () => number
  /** Told of every event this process appends, with the snapshot after it. */
  onWritten: (event: JobEvent, job: Job) => void
}

const MAX_CACHED_SNAPSHOTS = 10_000
const MAX_CONFLICTS = 100

export const fieldOf = (fields: readonly string[], name: string): string | undefined => {
  for (let index = 0; index < fields.length - 1; index += 2) if (fields[index] === name) return fields[index + 1]
  return undefined
}

export function createAppender ({ redis, keys, ttlMs, tombstoneTtlMs, writeWaitMs, now, onWritten }: AppenderOptions) {
  const chains = new Map<string, Promise<unknown>>()
  const snapshots = new Map<string, Job>()

  function remember (job: Job) {
    snapshots.delete(job.id)
    if (isTerminal(job.status)) return
    snapshots.set(job.id, job)
    if (snapshots.size > MAX_CACHED_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value as string)
  }

  function inOrder<T> (id: string, task: () => Promise<T>): Promise<T> {
    const next = (chains.get(id) ?? Promise.resolve()).then(task, task)
    const settled = next.catch(() => {})
    chains.set(id, settled)
    settled.then(() => { if (chains.get(id) === settled) chains.delete(id) })
    return next
  }

  async function load (id: string): Promise<Job | null> {
    const json = await redis.hget(keys.ofJob(id).job, 'job')
    return json ? JSON.parse(json) as Job : null
  }

  /**
   * One compare-and-set attempt; `token` and `firstExpected` identify this append across retries.
   * An event given as a function is built from the snapshot it will follow, so it can never
   * carry older state than the job already has.
   */
  async function tryOnce (id: string, eventOf: EventInput, attempt: { token: string, firstExpected: number | null }, { owner = '', release = false }: AppendOptions): Promise<JobEvent | 'refused' | 'conflict'> {
    const current = snapshots.get(id) ?? await load(id)
    if (!current) return 'refused'
    attempt.firstExpected ??= current.seq
    const input = typeof eventOf === 'function' ? eventOf(current) : eventOf
    if (!input) return 'refused'
    const at = now()
    const event = { ...input, seq: current.seq + 1, at: new Date(at).toISOString() } as JobEvent
    const next = applyEvent(current, event)
    const jobKeys = keys.ofJob(id)
    const expiresAt = at + ttlMs
    const [outcome, written] = await appendScript.run(redis, [jobKeys.job, jobKeys.events, jobKeys.result, jobKeys.tomb, keys.unfinished, keys.expiring], [
      current.seq, event.seq, JSON.stringify(next), next.status, isTerminalEvent(event) ? 1 : 0, JSON.stringify(event), attempt.token, owner,
      at, expiresAt, expiresAt + tombstoneTtlMs, id, release ? 1 : 0, attempt.firstExpected
    ]) as [string, string?]
    if (outcome === 'ok') {
      remember(next)
      onWritten(event, next)
      return event
    }
    snapshots.delete(id)
    if (outcome === 'written' && written) return JSON.parse(written) as JobEvent
    return outcome === 'conflict' ? 'conflict' : 'refused'
  }

  /** Appends `input` as the job's next event; null when the job is gone, finished, or held by another owner. */
  function append (id: string, input: EventInput, options: AppendOptions = {}): Promise<JobEvent | null> {
    return inOrder(id, async () => {
      const attempt = { token: randomUUID(), firstExpected: null as number | null }
      const deadline = Date.now() + writeWaitMs
      for (let conflicts = 0; conflicts < MAX_CONFLICTS;) {
        await whenReady(redis, Math.max(0, deadline - Date.now()))
        try {
          const outcome = await tryOnce(id, input, attempt, options)
          if (typeof outcome === 'object') return outcome
          if (outcome === 'refused') return null
          conflicts++
        } catch (error) {
          if (isReplyError(error)) throw error
          // The connection dropped mid-write. It may have been applied; the token tells on retry.
          snapshots.delete(id)
          if (Date.now() >= deadline) throw storeUnavailable()
        }
      }
      throw new Error(`Could not append to job ${id}: ${MAX_CONFLICTS} concurrent writers in a row`)
    })
  }

  return { append, remember, forget: (id: string) => snapshots.delete(id) }
}
