/**
 * Where jobs wait and run. The in-process queue (default) runs them in this process with a
 * concurrency limit; the BullMQ queue (with REDIS_URL) hands them to `npm run worker` processes.
 */
import type { Job } from '../model.ts'

export interface JobQueue {
  /** Schedules a job that the store already holds as `queued`. */
  enqueue: (job: Job) => Promise<void>
  /**
   * Stops a job wherever it is: removes it from the queue, or aborts its run. The job's
   * terminal event is recorded by whoever held it. Returns false when nothing held it.
   */
  cancel: (jobId: string, reason: { type: 'cancelled' | 'interrupted', message: string }) => Promise<boolean>
  /** Jobs waiting for a worker. */
  depth: () => Promise<number>
  /** Stops taking jobs, gives running ones `graceMs` to finish, then interrupts them. Safe to call twice. */
  close: (graceMs: number) => Promise<void>
}
