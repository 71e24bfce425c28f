/**
 * The embedded queue: a FIFO of job ids and at most `concurrency` runs at a time, each with its
 * own AbortController so DELETE, stall detection and shutdown can stop it. With a memory budget,
 * a job also waits until the pool can cover its pipeline's `memoryBytes`: a second big scan
 * waits while the first one holds the memory, instead of both running into the limit. The first
 * in line is never overtaken, so a big job is not starved by small ones.
 */
import type { Logger } from '../../logger.ts'
import type { MemoryBudget } from '../../memory/index.ts'
import type { Job } from '../model.ts'
import type { DataDir } from '../data-dir.ts'
import type { AnyPipeline } from '../pipeline.ts'
import { runJob, type JobAbortReason } from '../runner.ts'
import type { JobStore } from '../store/types.ts'
import type { JobQueue } from './types.ts'

export interface InProcessQueueOptions {
  concurrency: number
  store: JobStore
  paths: DataDir
  pipelines: ReadonlyMap<string, AnyPipeline>
  log: Logger
  /** The pool jobs are admitted against; without one, only `concurrency` limits them. */
  budget?: MemoryBudget
}

export function createInProcessQueue ({ concurrency, store, paths, pipelines, log, budget }: InProcessQueueOptions): JobQueue {
  const waiting: Job[] = []
  const running = new Map<string, { controller: AbortController, done: Promise<void> }>()
  let closing = false

  function startNext () {
    // eslint-disable-next-line no-unmodified-loop-condition -- close() sets `closing` between calls
    while (!closing && running.size < concurrency && waiting.length > 0) {
      const next = waiting[0] as Job
      const pipeline = pipelines.get(next.pipeline)
      const memory = pipeline?.memoryBytes ?? 0
      const release = budget && memory > 0 ? budget.tryAcquire(memory) : () => {}
      if (!release) {
        log.debug({ jobId: next.id, memoryBytes: memory, usedBytes: budget?.used }, 'job waits for memory')
        return
      }
      const job = waiting.shift() as Job
      const controller = new AbortController()
      const done = (pipeline
        ? runJob({ job, pipeline, store, paths, signal: controller.signal, log })
        : store.append(job.id, { type: 'failed', stage: null, code: 'unknown_pipeline', message: `This server has no "${job.pipeline}" pipeline.` }).then(() => {})
      )
        .catch(error => log.error({ err: error, jobId: job.id }, 'job run crashed'))
        .finally(() => {
          release()
          running.delete(job.id)
          startNext()
        })
      running.set(job.id, { controller, done })
    }
  }

  return {
    async enqueue (job) {
      waiting.push(job)
      startNext()
    },

    async cancel (jobId, reason: JobAbortReason) {
      const index = waiting.findIndex(job => job.id === jobId)
      if (index >= 0) {
        waiting.splice(index, 1)
        await store.append(jobId, { type: reason.type, message: reason.message })
        return true
      }
      const run = running.get(jobId)
      if (!run) return false
      run.controller.abort(reason)
      await run.done
      return true
    },

    async depth () { return waiting.length },

    async close (graceMs) {
      if (closing) return
      closing = true
      // Jobs still waiting stay `queued` in the store and are resumed at the next start.
      waiting.length = 0
      const all = Promise.all([...running.values()].map(run => run.done))
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<'timeout'>(resolve => { timer = setTimeout(resolve, graceMs, 'timeout') })
      const outcome = await Promise.race([all.then(() => 'done' as const), graceOver])
      clearTimeout(timer)
      if (outcome === 'timeout') {
        const reason: JobAbortReason = { type: 'interrupted', message: 'The server shut down before this job finished. Upload the file again.' }
        for (const run of running.values()) run.controller.abort(reason)
        await all
      }
    }
  }
}
