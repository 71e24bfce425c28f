/**
 * The scale-out queue as API instances see it: BullMQ (an existing distributed engine) holds
 * the order of work, `npm run worker` processes take it (bullmq-worker.ts). A BullMQ job
 * carries only our job id, and uses it as its own id, so adding the same job twice is a no-op;
 * everything else — state, events, result — lives in the job store, the one source of truth.
 * BullMQ's own event stream (QueueEvents) is trimmed and drops unread entries, so nothing here
 * depends on it.
 *
 * Cancelling a running job is a store append: the worker running it watches its job's event
 * stream and stops the moment a terminal event it did not write appears, on any machine.
 */
import { Queue } from 'bullmq'
import type { Logger } from '../../logger.ts'
import { closeRedis, createRedisConnection, whenReady } from '../../redis/connection.ts'
import type { JobStore } from '../store/types.ts'
import type { JobQueue } from './types.ts'

export const QUEUE_NAME = 'jobs'
export const bullmqPrefix = (prefix: string) => `${prefix}:bull`
export interface QueuedJobData { jobId: string }

export interface BullmqQueueOptions {
  url: string
  prefix: string
  store: JobStore
  log: Logger
  /** How long enqueue, cancel and depth wait for an unreachable Redis before answering 503. */
  waitMs?: number
}

/** States in which BullMQ still holds a job that no worker has started. */
const WAITING = new Set(['waiting', 'delayed', 'prioritized'])

export function createBullmqQueue ({ url, prefix, store, log, waitMs = 3000 }: BullmqQueueOptions): JobQueue & { reconcile: () => Promise<void> } {
  const connection = createRedisConnection(url, { name: `${prefix}:queue`, log, maxRetriesPerRequest: 1 })
  const queue = new Queue<QueuedJobData>(QUEUE_NAME, {
    connection,
    prefix: bullmqPrefix(prefix),
    defaultJobOptions: {
      // A pipeline's own failure is a `failed` event in the store, not a throw; a throw means
      // the infrastructure failed (Redis gone longer than a write may wait), worth a retry.
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600, count: 1000 }
    }
  })
  queue.on('error', error => log.warn({ err: error }, 'job queue error'))
  let closed = false

  const ready = () => whenReady(connection, waitMs)

  async function enqueue (jobId: string) {
    await ready()
    await queue.add('run', { jobId }, { jobId })
  }

  return {
    async enqueue (job) { await enqueue(job.id) },

    async cancel (jobId, reason) {
      await ready()
      const state = await queue.getJobState(jobId)
      if (WAITING.has(state) && await queue.remove(jobId) === 1) {
        await store.append(jobId, reason)
        return true
      }
      if (state === 'unknown' || state === 'completed' || state === 'failed') return false
      // Active (or taken by a worker just now): recording the end is what stops the worker.
      await store.append(jobId, reason)
      return true
    },

    async depth () {
      await ready()
      return await queue.count()
    },

    /**
     * Start-up recovery for scale-out: never interrupts jobs that workers are running (another
     * API instance restarting says nothing about them). Queued jobs BullMQ lost are queued
     * again; unfinished jobs no worker can ever pick up are marked interrupted.
     */
    async reconcile () {
      for (const job of await store.listUnfinished()) {
        const state = await queue.getJobState(job.id)
        if (state === 'unknown' && job.status === 'queued') {
          await enqueue(job.id)
          log.info({ jobId: job.id }, 'queued job handed to the queue again')
        } else if (state === 'unknown' || state === 'completed' || state === 'failed') {
          await store.append(job.id, { type: 'interrupted', message: 'The worker running this job was lost and it could not be resumed. Upload the file again.' })
          log.warn({ jobId: job.id, queueState: state }, 'unfinished job without a queue entry marked interrupted')
        }
      }
    },

    async close () {
      if (closed) return
      closed = true
      await queue.close().catch(error => log.warn({ err: error }, 'closing the job queue failed'))
      await closeRedis(connection)
    }
  }
}
