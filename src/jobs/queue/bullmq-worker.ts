/**
 * The scale-out worker: takes jobs from BullMQ and runs them with the same runner and
 * pipelines as the embedded queue, at most `concurrency` at a time.
 *
 * - One writer per job: the worker claims the job in the store under a fresh owner id and
 *   hands the runner a store that writes as that owner. If BullMQ gives the job to another
 *   worker (this one stalled), the new claim fences this one off: its appends are refused
 *   and its run stops, so two runs never interleave events.
 * - A killed worker's job: BullMQ's stalled-job check hands it to another worker within
 *   `lockMs` + STALLED_CHECK_MS, which records "resumed" on the job's stream and runs the
 *   pipeline again from its first stage (stages hand their output over in memory). A job whose
 *   last stage had finished and whose result was saved is completed instead, not run again:
 *   the worker checkpoints the end of the last stage in the store.
 * - Cancel from any API instance is a terminal event in the store; the worker watches each
 *   running job's stream and aborts the run when one appears.
 * - Shutdown stops taking jobs and gives running ones `graceMs`; any still running then go
 *   back to the queue (recorded on their stream) for another worker, instead of failing. The
 *   hand-back event is built by the store from the job's snapshot, so it repeats the job's
 *   latest stage and percent even when this worker's own view of its events lags behind.
 */
import { access } from 'node:fs/promises'
import { hostname } from 'node:os'
import { Worker, WaitingError, type Job as BullJob } from 'bullmq'
import type { Logger } from '../../logger.ts'
import { closeRedis, createRedisConnection } from '../../redis/connection.ts'
import { isTerminal, isTerminalEvent, type JobEvent, type NewJobEvent } from '../model.ts'
import type { DataDir } from '../data-dir.ts'
import type { AnyPipeline } from '../pipeline.ts'
import { runJob, type JobAbortReason } from '../runner.ts'
import type { RedisJobStore } from '../store/redis.ts'
import { bullmqPrefix, QUEUE_NAME, type QueuedJobData } from './bullmq-queue.ts'

export interface JobWorkerOptions {
  url: string
  prefix: string
  store: RedisJobStore
  pipelines: ReadonlyMap<string, AnyPipeline>
  paths: DataDir
  log: Logger
  concurrency: number
  /** BullMQ lock: a worker silent this long is presumed dead and its job resumed elsewhere. */
  lockMs: number
  name?: string
}

/** A job whose workers keep dying (e.g. a file too big for a worker's memory) is not retried forever. */
export const MAX_RESUMES = 2

/**
 * How often BullMQ looks for jobs whose lock expired. A job is handed on at the first check after
 * its lock expired, so a dead worker's job resumes within the lock plus this; BullMQ's default
 * (equal to the lock) would make that up to twice the lock. One check per interval serves all
 * workers (BullMQ skips a check another worker made within the interval).
 */
export const STALLED_CHECK_MS = 500

interface Run { controller: AbortController, owner: string, handedBack: boolean }

export function startJobWorker ({ url, prefix, store, pipelines, paths, log, concurrency, lockMs, name = `${hostname()}:${process.pid}` }: JobWorkerOptions) {
  const connection = createRedisConnection(url, { name: `${prefix}:worker`, log, maxRetriesPerRequest: null })
  const running = new Map<string, Run>()

  async function processJob (bullJob: BullJob<QueuedJobData>, token?: string): Promise<void> {
    const { jobId } = bullJob.data
    const owner = `${name}/${token ?? bullJob.attemptsStarted}`
    const claimed = await store.claim(jobId, owner)
    if (!claimed) return // cancelled or expired while it waited: its files went with that
    const { job } = claimed
    const owned = store.ownedBy(owner)
    const refuse = async (event: NewJobEvent) => { await owned.append(jobId, event) }
    const pipeline = pipelines.get(job.pipeline)
    if (!pipeline) return await refuse({ type: 'failed', stage: null, code: 'unknown_pipeline', message: `The workers have no "${job.pipeline}" pipeline; deploy the same version of stagecast for API and workers.` })
    if (claimed.stagesDone >= pipeline.stages.length && claimed.hasResult) {
      // An earlier run finished every stage and saved the result, then stopped before recording
      // the end (killed, or it lost Redis): the result stands, nothing runs again.
      const completed = await owned.append(jobId, { type: 'complete', percent: 100 })
      if (completed) log.info({ jobId, status: 'completed' }, 'job completed from the result an earlier run saved')
      return
    }
    if (bullJob.stalledCounter > MAX_RESUMES) {
      return await refuse({ type: 'interrupted', message: `Workers stopped ${bullJob.stalledCounter} times while running this job, so it was given up. The file may be too large for a worker; try a smaller one.` })
    }
    for (const file of job.input.files) {
      if (!await access(file.path).then(() => true, () => false)) {
        return await refuse({ type: 'failed', stage: null, code: 'upload_missing', message: 'The uploaded file is not readable by the worker. DATA_DIR must be one folder shared by the API and the workers; upload the file again.' })
      }
    }
    if (job.status === 'running') {
      const stageIndex = Math.max(0, pipeline.stages.findIndex(stage => stage.name === job.stage))
      const resumed = await owned.append(jobId, {
        type: 'progress',
        phase: 'advanced',
        stage: job.stage ?? pipeline.stages[0]?.name ?? 'unknown',
        stageIndex,
        stageCount: pipeline.stages.length,
        percent: job.percent,
        status: 'running',
        message: 'The previous worker stopped; resumed on another worker from the first stage.',
        detail: { resumed: true, attempt: bullJob.attemptsStarted }
      })
      if (!resumed) return
      log.warn({ jobId, attempt: bullJob.attemptsStarted }, 'job resumed after its worker stopped')
    }

    const run: Run = { controller: new AbortController(), owner, handedBack: false }
    running.set(jobId, run)
    const stopWatching = store.subscribe(jobId, event => watch(run, event))
    const stopRenewing = token ? keepLock(bullJob, token) : () => {}
    try {
      await runJob({ job, pipeline: withFinalCheckpoint(pipeline, jobId, owner), store: owned, paths, signal: run.controller.signal, log })
    } finally {
      stopRenewing()
      stopWatching()
      running.delete(jobId)
    }
    if (run.handedBack) {
      // After a lost lock this fails (BullMQ's stalled check requeues the job instead); fine.
      if (token) await bullJob.moveToWait(token).catch(() => {})
      throw new WaitingError()
    }
    const after = await store.peek(jobId)
    if (after && !isTerminal(after.status) && after.owner === owner) {
      throw new Error('The run ended without recording how; the job goes back to the queue.')
    }
  }

  /**
   * Renews this attempt's BullMQ lock beside BullMQ's own renewal. BullMQ tracks the locks it
   * renews by job id, so when an earlier attempt of the same job in this process is still
   * unwinding (its lock lost in a Redis outage, the job already handed to this attempt), that
   * attempt's clean-up stops the renewal of this one, and the job would stall again a lock later.
   * A lock that cannot be extended any more (the job went to another worker) is no concern here:
   * the store's ownership fences this run off.
   */
  function keepLock (bullJob: BullJob<QueuedJobData>, token: string): () => void {
    const timer = setInterval(() => { bullJob.extendLock(token, lockMs).catch(() => {}) }, Math.max(500, Math.floor(lockMs / 2)))
    timer.unref()
    return () => clearInterval(timer)
  }

  /**
   * The pipeline with a checkpoint after its last stage: once it is recorded and the runner has
   * saved the result, a worker that takes the job over completes it instead of running it again.
   */
  function withFinalCheckpoint (pipeline: AnyPipeline, jobId: string, owner: string): AnyPipeline {
    const lastIndex = pipeline.stages.length - 1
    return {
      ...pipeline,
      stages: pipeline.stages.map((stage, index) => index < lastIndex
        ? stage
        : {
            ...stage,
            run: async ctx => {
              await stage.run(ctx)
              if (ctx.signal.aborted) return
              // Only an optimisation for a later takeover: a failed write must not fail the job.
              await store.checkpoint(jobId, owner, lastIndex + 1).catch(error => log.warn({ err: error, jobId }, 'could not record the checkpoint'))
            }
          })
    }
  }

  function watch (run: Run, event: JobEvent) {
    if (!isTerminalEvent(event) || run.controller.signal.aborted) return
    const reason: JobAbortReason = event.type === 'cancelled' || event.type === 'interrupted'
      ? { type: event.type, message: event.message }
      : { type: 'interrupted', message: 'The job was ended by another process.' }
    run.controller.abort(reason)
  }

  /**
   * Records that the job waits for another worker, lets go of it, and stops the run. After a
   * lost lock BullMQ owns the job again whatever happens here (`lockLost`); at shutdown, a job
   * that could not be handed back is recorded as interrupted by its runner instead.
   */
  async function handBack (jobId: string, run: Run, message: string, lockLost = false) {
    try {
      run.handedBack = await store.release(jobId, run.owner, message) !== null || lockLost
    } catch (error) {
      run.handedBack = lockLost
      log.error({ err: error, jobId }, 'could not hand the job back; it will be marked interrupted')
    }
    run.controller.abort({ type: 'interrupted', message: 'The worker shut down before this job finished. Upload the file again.' } satisfies JobAbortReason)
  }

  const worker = new Worker<QueuedJobData>(QUEUE_NAME, processJob, {
    connection,
    prefix: bullmqPrefix(prefix),
    concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.min(STALLED_CHECK_MS, lockMs),
    // We give up on a job ourselves (above) with a message on its stream; BullMQ must not first.
    maxStalledCount: MAX_RESUMES + 1,
    name
  })
  worker.on('error', error => log.warn({ err: error }, 'worker error'))
  worker.on('stalled', jobId => log.warn({ jobId }, 'a worker stopped while running this job; it goes back to the queue'))
  worker.on('failed', (bullJob, error) => log.error({ err: error, jobId: bullJob?.data.jobId }, 'job run failed in the worker'))
  // Our BullMQ lock expired (e.g. Redis was away longer than WORKER_LOCK_MS): BullMQ may give
  // the job to another worker at any moment, so this one stops and lets go of it.
  worker.on('lockRenewalFailed', jobIds => {
    for (const jobId of jobIds) {
      const run = running.get(jobId)
      if (!run || run.controller.signal.aborted) continue
      log.warn({ jobId }, 'lost the job\'s lock; handing it back')
      handBack(jobId, run, 'The worker running this job lost contact with Redis; it waits for a worker to resume it.', true)
    }
  })

  let closing: Promise<void> | undefined
  return {
    worker,
    runningCount: () => running.size,
    /** Stops taking jobs; running ones get `graceMs`, then go back to the queue. Safe to call twice. */
    close (graceMs: number): Promise<void> {
      closing ??= (async () => {
        const finished = worker.close()
        let timer: NodeJS.Timeout | undefined
        const graceOver = new Promise<'timeout'>(resolve => { timer = setTimeout(resolve, graceMs, 'timeout') })
        const outcome = await Promise.race([finished.then(() => 'done' as const), graceOver])
        clearTimeout(timer)
        if (outcome === 'timeout') {
          await Promise.all([...running].map(([jobId, run]) => handBack(jobId, run, 'The worker running this job is shutting down; it waits for another worker to resume it.')))
          await finished
        }
        await closeRedis(connection)
      })()
      return closing
    }
  }
}

export type JobWorker = ReturnType<typeof startJobWorker>
