/**
 * Eviction for the Redis store. Redis removes a finished job's keys itself when they expire;
 * this sweep only notices it (the `expiring` index is due) so the job's files can go too. With
 * many processes sweeping, the claim script lets exactly one of them report each eviction.
 * It runs only in processes that listen for evictions (the API); workers never sweep.
 */
import type { Redis } from 'ioredis'
import type { Logger } from '../../logger.ts'
import type { RedisKeys } from './redis-keys.ts'
import { claimEvictionScript } from './redis-scripts.ts'

export interface EvictionSweepOptions {
  redis: Redis
  keys: RedisKeys
  intervalMs: number
  log: Logger
}

const BATCH = 200

export function createEvictionSweep ({ redis, keys, intervalMs, log }: EvictionSweepOptions) {
  const listeners: Array<(id: string) => void> = []
  let timer: NodeJS.Timeout | undefined
  let sweeping = false

  function notify (id: string) {
    for (const listener of listeners) {
      try {
        listener(id)
      } catch (error) {
        log.error({ err: error, jobId: id }, 'eviction listener failed')
      }
    }
  }

  async function sweepOnce () {
    if (sweeping || redis.status !== 'ready') return
    sweeping = true
    try {
      const due = await redis.zrangebyscore(keys.expiring, '-inf', Date.now(), 'LIMIT', 0, BATCH)
      for (const id of due) {
        const claimed = await claimEvictionScript.run(redis, [keys.ofJob(id).job, keys.jobs, keys.unfinished, keys.expiring], [id])
        if (claimed === 1) notify(id)
      }
    } catch (error) {
      log.warn({ err: error }, 'eviction sweep failed; retrying at the next interval')
    } finally {
      sweeping = false
    }
  }

  return {
    onEvicted (listener: (id: string) => void) {
      listeners.push(listener)
      // sweepOnce() never rejects.
      timer ??= setInterval(sweepOnce, intervalMs)
    },
    /** Reports an eviction this process made itself (an explicit remove). */
    notify,
    stop () { clearInterval(timer) }
  }
}
