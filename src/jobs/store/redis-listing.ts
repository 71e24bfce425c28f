/**
 * The Redis store's listings: recent jobs (newest first, optionally by status), unfinished
 * jobs (start-up recovery) and stalled ones (the watchdog). Each reads an index, then the
 * snapshots in one pipelined round trip; ids whose data has expired are skipped.
 */
import type { Redis } from 'ioredis'
import { isTerminal, type Job, type JobStatus } from '../model.ts'
import type { RedisKeys } from './redis-keys.ts'

/** How many index entries a status-filtered listing looks at before it stops. */
const MAX_SCANNED = 10_000

export function createRedisListing ({ redis, keys }: { redis: Redis, keys: RedisKeys }) {
  async function load (ids: readonly string[]): Promise<Job[]> {
    if (ids.length === 0) return []
    const pipeline = redis.pipeline()
    for (const id of ids) pipeline.hget(keys.ofJob(id).job, 'job')
    const replies = await pipeline.exec() ?? []
    const jobs: Job[] = []
    for (const [error, json] of replies) {
      if (error) throw error
      if (typeof json === 'string') jobs.push(JSON.parse(json) as Job)
    }
    return jobs
  }

  return {
    async list ({ status, limit }: { status?: JobStatus, limit: number }): Promise<Job[]> {
      const found: Job[] = []
      const batch = Math.max(50, limit * 2)
      for (let start = 0; found.length < limit && start < MAX_SCANNED; start += batch) {
        const ids = await redis.zrevrange(keys.jobs, start, start + batch - 1)
        for (const job of await load(ids)) if (!status || job.status === status) found.push(job)
        if (ids.length < batch) break
      }
      return found.slice(0, limit)
    },

    async unfinished (): Promise<Job[]> {
      return (await load(await redis.smembers(keys.unfinished))).filter(job => !isTerminal(job.status))
    },

    async stalled (beforeMs: number): Promise<Job[]> {
      const ids = await redis.smembers(keys.unfinished)
      if (ids.length === 0) return []
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.hmget(keys.ofJob(id).job, 'status', 'activity')
      const replies = await pipeline.exec() ?? []
      const stalled = ids.filter((_id, index) => {
        const [status, activity] = (replies[index]?.[1] ?? []) as Array<string | null>
        return status === 'running' && Number(activity) < beforeMs
      })
      return (await load(stalled)).filter(job => job.status === 'running')
    }
  }
}
