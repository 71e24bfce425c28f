/**
 * Chooses where jobs run, from config: in this process (the default), or — with REDIS_URL —
 * on BullMQ, where `npm run worker` processes run them and API instances only enqueue
 * (unless RUN_WORKER_IN_API=true makes an API instance a worker too, handy for one box).
 *
 * Start-up recovery differs by mode, so it is chosen here too: the embedded queue's jobs died
 * with the process, while a scale-out API restarting must leave jobs on workers alone.
 *
 * BullMQ and ioredis are only loaded in the Redis mode: with the Redis store (store/index.ts)
 * and tesseract.js loaded the same way, an idle embedded server is ~19 MB smaller (166 → 147 MB).
 */
import type { Config } from '../../config.ts'
import type { Logger } from '../../logger.ts'
import type { DataDir } from '../data-dir.ts'
import type { AnyPipeline } from '../pipeline.ts'
import type { JobStore } from '../store/types.ts'
import { createMemoryBudget, memoryPlan } from '../../memory/index.ts'
import { createInProcessQueue } from './in-process.ts'
import type { JobQueue } from './types.ts'

export interface QueueDependencies {
  store: JobStore
  paths: DataDir
  pipelines: ReadonlyMap<string, AnyPipeline>
  log: Logger
}

export interface ChosenQueue {
  queue: JobQueue
  mode: 'in-process' | 'bullmq'
  /** Start-up recovery for this mode; null means the job service's own (`service.recover`). */
  recover: (() => Promise<void>) | null
}

export async function createQueue (config: Config, { store, paths, pipelines, log }: QueueDependencies): Promise<ChosenQueue> {
  if (!config.REDIS_URL) {
    const budget = createMemoryBudget(memoryPlan(config.MEMORY_LIMIT_MB).poolBytes)
    return { queue: createInProcessQueue({ concurrency: config.JOB_CONCURRENCY, store, paths, pipelines, log, budget }), mode: 'in-process', recover: null }
  }
  const [{ isRedisJobStore }, { createBullmqQueue }, { startJobWorker }] = await Promise.all([
    import('../store/redis.ts'), import('./bullmq-queue.ts'), import('./bullmq-worker.ts')
  ])
  if (!isRedisJobStore(store)) throw new Error('REDIS_URL is set, so the job store must be the Redis store (see jobs/store/index.ts).')
  const producer = createBullmqQueue({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, store, log })
  const worker = config.RUN_WORKER_IN_API
    ? startJobWorker({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, store, pipelines, paths, log, concurrency: config.JOB_CONCURRENCY, lockMs: config.WORKER_LOCK_MS })
    : undefined
  const queue: JobQueue = {
    enqueue: job => producer.enqueue(job),
    cancel: (jobId, reason) => producer.cancel(jobId, reason),
    depth: () => producer.depth(),
    async close (graceMs) {
      try {
        await worker?.close(graceMs)
      } finally {
        await producer.close(graceMs)
      }
    }
  }
  return { queue, mode: 'bullmq', recover: () => producer.reconcile() }
}
