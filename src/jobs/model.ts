/**
 * The job model: a snapshot plus an append-only event log. The snapshot is never written
 * directly — every change is an event, and `applyEvent` derives the next snapshot from it, so
 * the state the REST routes serve and the events the stream sends can never drift apart.
 */
import type { JobInputFile } from './pipeline.ts'

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const
export type JobStatus = typeof JOB_STATUSES[number]
export type TerminalStatus = Exclude<JobStatus, 'queued' | 'running'>

export const isTerminal = (status: JobStatus): status is TerminalStatus =>
  status !== 'queued' && status !== 'running'

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'

export interface StageState {
  name: string
  title: string
  status: StageStatus
  /** The job's percent at the end of this stage. */
  percent: number
  startedAt: string | null
  finishedAt: string | null
}

export interface JobError {
  code: string
  message: string
  stage: string | null
  /** Where in the input the problem is (row, column, page, file), when known. */
  location?: Record<string, string | number>
}

export interface Job {
  id: string
  pipeline: string
  status: JobStatus
  stage: string | null
  percent: number
  message: string
  stages: StageState[]
  error: JobError | null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
  /** Sequence number of the last event applied (0 before the first). */
  seq: number
  /** Inputs as stored on disk; never exposed over HTTP as is (see `toPublicJob`). */
  input: JobInput
}

export interface JobInput {
  files: JobInputFile[]
  fields: Record<string, string>
  /**
   * Present while the upload is still arriving: the job exists from its first bytes, so its
   * stages can start on them (uploads/arriving-upload.ts). The `received` event that ends the
   * upload carries the complete input, without this.
   */
  receiving?: { expectedBytes: number | null }
}

interface EventBase { seq: number, at: string }

export interface ProgressEvent extends EventBase {
  type: 'progress'
  stage: string
  stageIndex: number
  stageCount: number
  percent: number
  message: string
  status: 'queued' | 'running'
  /**
   * `started`/`finished` mark stage transitions; `advanced` is progress within a stage;
   * `received` says the upload has fully arrived and carries the job's complete `input`.
   */
  phase: 'queued' | 'started' | 'advanced' | 'finished' | 'received'
  detail?: Record<string, unknown>
  /** Only with phase `received`: the complete input (internal: never sent to clients). */
  input?: JobInput
}
export interface CompleteEvent extends EventBase { type: 'complete', percent: 100 }
export interface FailedEvent extends EventBase { type: 'failed', stage: string | null, code: string, message: string, location?: Record<string, string | number> }
export interface EndedEvent extends EventBase { type: 'cancelled' | 'interrupted', message: string }

export type JobEvent = ProgressEvent | CompleteEvent | FailedEvent | EndedEvent
/** An event as its writer hands it to the store, which assigns `seq` and `at`. */
export type NewJobEvent = DistributiveOmit<JobEvent, 'seq' | 'at'>
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export const isTerminalEvent = (event: JobEvent | NewJobEvent): boolean => event.type !== 'progress'

const statusOfTerminal = { complete: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' } as const

/** A new job's snapshot before its first event; every store starts from this. */
export function queuedJob ({ id, pipeline, stages, input }: Pick<Job, 'id' | 'pipeline' | 'stages' | 'input'>, createdAt: string): Job {
  return {
    id,
    pipeline,
    status: 'queued',
    stage: null,
    percent: 0,
    message: 'Queued',
    stages,
    error: null,
    createdAt,
    updatedAt: createdAt,
    finishedAt: null,
    seq: 0,
    input
  }
}

/** Pure reducer: the snapshot after `event`. Percent never goes down; a finished job never changes. */
export function applyEvent (job: Job, event: JobEvent): Job {
  if (isTerminal(job.status)) return job
  const next: Job = { ...job, seq: event.seq, updatedAt: event.at, stages: job.stages.map(stage => ({ ...stage })) }

  if (event.type === 'progress') {
    next.status = event.status
    next.stage = event.stage
    next.percent = Math.max(job.percent, event.percent)
    next.message = event.message
    if (event.phase === 'received' && event.input) next.input = event.input
    if (event.phase === 'queued' || event.phase === 'received') return next
    next.stages.forEach((stage, index) => {
      if (index < event.stageIndex && stage.status !== 'completed') {
        stage.status = 'completed'
        stage.finishedAt ??= event.at
      }
    })
    const current = next.stages[event.stageIndex]
    if (current) {
      current.startedAt ??= event.at
      current.status = event.phase === 'finished' ? 'completed' : 'running'
      if (event.phase === 'finished') current.finishedAt = event.at
    }
    return next
  }

  next.status = statusOfTerminal[event.type]
  next.finishedAt = event.at
  if (event.type === 'complete') {
    next.percent = 100
    next.message = 'Completed'
    for (const stage of next.stages) {
      stage.status = 'completed'
      stage.finishedAt ??= event.at
    }
    return next
  }

  next.message = event.message
  const endedAs: StageStatus = event.type === 'failed' ? 'failed' : event.type
  for (const stage of next.stages) {
    if (stage.status === 'running') {
      stage.status = endedAs
      stage.finishedAt = event.at
    }
  }
  if (event.type === 'failed') {
    next.error = { code: event.code, message: event.message, stage: event.stage, ...(event.location ? { location: event.location } : {}) }
    const failedStage = next.stages.find(stage => stage.name === event.stage)
    if (failedStage) {
      failedStage.status = 'failed'
      failedStage.finishedAt = event.at
    }
  } else {
    next.error = { code: event.type, message: event.message, stage: job.stage }
  }
  return next
}
