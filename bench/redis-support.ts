/**
 * Shared by the Redis-mode benchmarks: a scale-out deployment on the local Redis under a
 * throw-away key prefix, upload helpers and Redis connection counts per process.
 */
import { Redis } from 'ioredis'
import { deletePrefix, REDIS_TEST_URL, uniquePrefix } from '../test/support/redis.ts'
import { startCluster } from '../test/support/scale-out-cluster.ts'

/** Settings that keep the benchmark from measuring the abuse protections instead of the system. */
const BENCH_ENV = {
  LOG_LEVEL: 'warn',
  MAX_QUEUED_JOBS: '100000',
  RATE_LIMIT_UPLOADS_PER_MINUTE: '0',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  WAIT_TIMEOUT_SECONDS: '600',
  HEARTBEAT_SECONDS: '15',
  SHUTDOWN_GRACE_SECONDS: '2',
  WORKER_LOCK_MS: '30000'
}

export async function withDeployment<T> (shape: { apis: number, workers: number, env?: Record<string, string> }, run: (cluster: Awaited<ReturnType<typeof startCluster>>, prefix: string) => Promise<T>): Promise<T> {
  const prefix = uniquePrefix('bench')
  const cluster = await startCluster({ redisUrl: REDIS_TEST_URL, prefix, ...shape, env: { ...BENCH_ENV, ...shape.env } })
  try {
    return await run(cluster, prefix)
  } finally {
    await cluster.stop()
    await deletePrefix(prefix)
  }
}

/** Uploads a one-row CSV to the named pipeline; resolves with the job's stream URL. */
export async function upload (apiUrl: string, pipeline: string, fields: Record<string, string> = {}, id?: string): Promise<string> {
  const form = new FormData()
  form.append('pipeline', pipeline)
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  form.append('file', new Blob(['date,region,revenue\n2024-01-01,North,10\n'], { type: 'text/csv' }), 'tiny.csv')
  const response = await fetch(`${apiUrl}/api/jobs`, { method: 'POST', body: form, headers: id ? { 'x-job-id': id } : {} })
  if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`)
  const { links } = await response.json() as { links: { events: string } }
  return apiUrl + links.events
}

/** Redis connections per stagecast process of this deployment, from CLIENT LIST (names carry the prefix). */
export async function redisConnectionsByRole (prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(REDIS_TEST_URL)
  try {
    const counts: Record<string, number> = {}
    for (const line of (await redis.client('LIST') as string).split('\n')) {
      const name = / name=(\S+)/.exec(line)?.[1]
      if (!name?.startsWith(`${prefix}:`)) continue
      // BullMQ names its worker's blocking connection itself (`bull:<base64 queue>:w:…`).
      const role = name.slice(prefix.length + 1).startsWith('bull:') ? 'bullmq-blocking' : name.slice(prefix.length + 1)
      counts[role] = (counts[role] ?? 0) + 1
    }
    return counts
  } finally {
    redis.disconnect()
  }
}
