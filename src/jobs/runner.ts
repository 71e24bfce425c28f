/**
 * Runs one job through its pipeline. The runner is the only writer of a job's progress: it maps
 * each stage's own 0..1 progress into the job's percent, turns a throw into a `failed` event
 * naming the stage, honours cancellation, and removes the job's scratch folder whatever happens.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { JobFailure } from '../errors.ts'
import type { Job, NewJobEvent } from './model.ts'
import type { AnyPipeline, StageContext } from './pipeline.ts'
import { followUpload, megabytes, type ArrivingUpload } from './arriving-upload.ts'
import type { DataDir } from './data-dir.ts'
import type { JobStore } from './store/types.ts'

/** Why a job was stopped from outside; the runner records it as the job's terminal event. */
export interface JobAbortReason { type: 'cancelled' | 'interrupted', message: string }

export interface RunJobOptions {
  job: Job
  pipeline: AnyPipeline
  store: JobStore
  paths: DataDir
  signal: AbortSignal
  log: Logger
  /** Least time between two in-stage progress events of one job (stage transitions always go out). */
  progressIntervalMs?: number
}

const ONE_PERCENT = 1

export async function runJob ({ job, pipeline, store, paths, signal: outerSignal, log, progressIntervalMs = 250 }: RunJobOptions): Promise<void> {
  const controller = new AbortController()
  const stopOuter = () => controller.abort(outerSignal.reason)
  outerSignal.addEventListener('abort', stopOuter, { once: true })
  const { signal } = controller
  const jobLog = log.child({ jobId: job.id, pipeline: pipeline.name })
  const stageCount = pipeline.stages.length
  let percent = job.percent
  let stageIndex = 0
  let lastEventAt = 0
  let lastTouchAt = 0
  let result: { value: unknown } | undefined

  let lastAppend: Promise<void> = Promise.resolve()
  /**
   * Appends an event; when the store refuses (the job ended elsewhere) the run stops. Stages do
   * not wait for progress to reach the disk: the store keeps events in order, and the events of
   * a busy job are written together. Only the terminal event is awaited, after all the others.
   */
  function record (event: NewJobEvent): Promise<void> {
    if ('percent' in event) percent = Math.max(percent, event.percent)
    lastEventAt = Date.now()
    lastAppend = store.append(job.id, event).then(stored => {
      if (!stored && !signal.aborted) controller.abort({ type: 'interrupted', message: 'The job was ended by another process.' } satisfies JobAbortReason)
    }, error => { jobLog.error({ err: error }, 'could not record progress') })
    return lastAppend
  }

  const stageEvent = (phase: 'started' | 'advanced' | 'finished', eventPercent: number, message: string, detail?: Record<string, unknown>): NewJobEvent => ({
    type: 'progress',
    phase,
    stage: pipeline.stages[stageIndex]?.name ?? 'unknown',
    stageIndex,
    stageCount,
    percent: Math.max(percent, Math.round(eventPercent * 10) / 10),
    message,
    status: 'running',
    ...(detail ? { detail } : {})
  })

  // Folders are made on first use: most stages of most jobs never touch them, and at hundreds
  // of jobs a second three directory operations each are a real cost. Creating one is a
  // microsecond-scale synchronous call, fine inside a getter.
  let scratchDir: string | undefined
  let artifactDirReady = false

  const upload = followUpload(store, job, signal, index => paths.uploadFile(job.id, index))
  const ctx: StageContext<unknown> = {
    jobId: job.id,
    get files () { return (upload?.input ?? job.input).files },
    get fields () { return (upload?.input ?? job.input).fields },
    upload,
    get scratchDir () {
      if (scratchDir === undefined) {
        mkdirSync(paths.scratchRoot, { recursive: true })
        scratchDir = mkdtempSync(join(paths.scratchRoot, `${job.id}-`))
      }
      return scratchDir
    },
    get artifactDir () {
      if (!artifactDirReady) mkdirSync(paths.artifactDir(job.id), { recursive: true })
      artifactDirReady = true
      return paths.artifactDir(job.id)
    },
    signal,
    log: jobLog,
    state: pipeline.createState(),
    progress (fraction, message, detail) {
      const stage = pipeline.stages[stageIndex]
      if (!stage || signal.aborted) return
      const start = stageIndex === 0 ? 0 : pipeline.stages[stageIndex - 1]?.endPercent ?? 0
      const mapped = start + Math.min(1, Math.max(0, fraction)) * (stage.endPercent - start)
      const now = Date.now()
      if (now - lastEventAt >= progressIntervalMs || mapped - percent >= ONE_PERCENT) {
        void record(stageEvent('advanced', mapped, message, detail))
      } else if (now - lastTouchAt >= 1000) {
        lastTouchAt = now
        void store.touch(job.id)
      }
    },
    setResult (value) { result = { value } }
  }

  try {
    for (const [index, stage] of pipeline.stages.entries()) {
      stageIndex = index
      signal.throwIfAborted()
      void record(stageEvent('started', percent, `${stage.title}…`))
      const startedAt = performance.now()
      if (index === 0 && upload && !pipeline.readsWhileUploading) await untilAborted(awaitWholeUpload(ctx, upload), signal)
      await untilAborted(stage.run(ctx), signal)
      signal.throwIfAborted()
      jobLog.info({ stage: stage.name, ms: Math.round(performance.now() - startedAt) }, 'stage finished')
      if (index < stageCount - 1) void record(stageEvent('finished', stage.endPercent, `${stage.title}: done`))
    }
    if (store.writesInOrder) {
      // Result and `complete` go to the store together and are stored in one transaction: the
      // run holds its slot for one commit, not two. A job ended meanwhile refuses the `complete`.
      const saved = result ? store.saveResult(job.id, result.value) : undefined
      const completed = record({ type: 'complete', percent: 100 })
      await saved
      await completed
    } else {
      if (result) await store.saveResult(job.id, result.value)
      await lastAppend
      signal.throwIfAborted()
      await record({ type: 'complete', percent: 100 })
    }
    jobLog.info({ status: 'completed' }, 'job finished')
  } catch (error) {
    // A partial result (e.g. extracted text before a failed export) stays retrievable.
    if (result) await store.saveResult(job.id, result.value).catch(saveError => jobLog.error({ err: saveError }, 'could not save the partial result'))
    await lastAppend
    await record(terminalEventFor(error, signal, pipeline.stages[stageIndex]?.name ?? null, jobLog))
  } finally {
    upload?.close()
    outerSignal.removeEventListener('abort', stopOuter)
    if (scratchDir !== undefined) await rm(scratchDir, { recursive: true, force: true })
  }
}

/** Holds a pipeline that needs its whole input until the upload is stored, showing the bytes as they arrive. */
async function awaitWholeUpload (ctx: StageContext<unknown>, upload: ArrivingUpload): Promise<void> {
  await upload.whileArriving((bytes, grew) => {
    if (!grew) return
    const { expectedBytes } = upload
    const of = expectedBytes ? ` of about ${megabytes(expectedBytes)}` : ''
    // Up to 90% of the first stage: its own work follows once the upload is whole.
    ctx.progress(expectedBytes ? 0.9 * Math.min(1, bytes / expectedBytes) : 0, `Receiving the upload: ${megabytes(bytes)}${of}`, { bytesReceived: bytes, ...(expectedBytes ? { bytesExpected: expectedBytes } : {}) })
  })
}

function terminalEventFor (error: unknown, signal: AbortSignal, stage: string | null, log: Logger): NewJobEvent {
  if (signal.aborted) {
    const reason = signal.reason as Partial<JobAbortReason> | undefined
    const type = reason?.type ?? 'interrupted'
    log.info({ status: type, stage }, 'job stopped')
    return { type, message: reason?.message ?? 'The job was stopped.' }
  }
  if (error instanceof JobFailure) {
    log.info({ status: 'failed', stage, code: error.code }, 'job failed on its input')
    return { type: 'failed', stage, code: error.code, message: error.message, ...(error.location ? { location: error.location } : {}) }
  }
  log.error({ err: error, status: 'failed', stage }, 'stage crashed')
  return {
    type: 'failed',
    stage,
    code: 'internal_error',
    message: `The ${stage ?? 'pipeline'} stage failed unexpectedly. The error has been logged; try again, and report it if it keeps happening.`
  }
}

/** Resolves or rejects with `work`, or rejects as soon as `signal` aborts — a stage that ignores its signal cannot hold the job. */
function untilAborted<T> (work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
