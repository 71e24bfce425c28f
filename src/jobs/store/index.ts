/**
 * Chooses the job store from config: the embedded durable store, or Redis with REDIS_URL.
 * The Redis store, and ioredis with it, is only loaded when it is chosen.
 */
import type { Logger } from '../../logger.ts'
import type { Config } from '../../config.ts'
import { createDiskJournal } from './disk-journal.ts'
import { createMemoryStore } from './memory.ts'
import type { JobStore } from './types.ts'
import { createJobPaths } from '../paths.ts'

export async function createStore (config: Config, log: Logger): Promise<JobStore> {
  if (config.REDIS_URL) {
    const { createRedisStore } = await import('./redis.ts')
    return createRedisStore({
      url: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      jobTtlSeconds: config.JOB_TTL_SECONDS,
      tombstoneTtlSeconds: config.TOMBSTONE_TTL_SECONDS,
      sweepIntervalMs: config.SWEEP_INTERVAL_MS,
      log
    })
  }
  return createMemoryStore({
    jobTtlSeconds: config.JOB_TTL_SECONDS,
    tombstoneTtlSeconds: config.TOMBSTONE_TTL_SECONDS,
    sweepIntervalMs: config.SWEEP_INTERVAL_MS,
    journal: createDiskJournal(createJobPaths(config.dataDir).jobsDir),
    onError: (error, context) => log.error({ err: error, context }, 'job store write failed')
  })
}
