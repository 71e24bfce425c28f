/**
 * Chooses the job store from config: the embedded SQLite store in DATA_DIR, or Redis with
 * REDIS_URL. The Redis store, and ioredis with it, is only loaded when it is chosen.
 */
import type { Logger } from '../../logger.ts'
import type { Config } from '../../config.ts'
import type { DataDir } from '../data-dir.ts'
import { createSqliteStore } from './sqlite.ts'
import type { JobStore } from './types.ts'

export async function createStore (config: Config, dataDir: DataDir, log: Logger): Promise<JobStore> {
  const retention = { jobTtlSeconds: config.JOB_TTL_SECONDS, tombstoneTtlSeconds: config.TOMBSTONE_TTL_SECONDS, sweepIntervalMs: config.SWEEP_INTERVAL_MS }
  if (config.REDIS_URL) {
    const { createRedisStore } = await import('./redis.ts')
    return createRedisStore({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log, ...retention })
  }
  return createSqliteStore({ path: dataDir.database, log, ...retention })
}
