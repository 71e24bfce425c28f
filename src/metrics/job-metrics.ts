/**
 * Job and stage metrics derived from the job's own event log: a job's status comes from its
 * events, and a stage's duration is the time between its `started` event and the next stage
 * transition or the terminal event. Deriving them here keeps the runner free of metrics code.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { isTerminal, type Job, type JobEvent } from '../jobs/model.ts'

interface TrackedJob {
  pipeline: string
  status: 'queued' | 'running'
  stage: { name: string, startedAt: number } | undefined
}

/** Bounds what is remembered about jobs whose end this process never sees (e.g. run by another process). */
const MAX_TRACKED_JOBS = 50_000

const terminalStatus = { complete: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' } as const

export function createJobMetrics (registers: Registry[]) {
  const submitted = new Counter({ name: 'stagecast_jobs_submitted_total', help: 'Jobs accepted, by pipeline', labelNames: ['pipeline'], registers })
  const finished = new Counter({ name: 'stagecast_jobs_finished_total', help: 'Jobs that reached a terminal status, by pipeline and status', labelNames: ['pipeline', 'status'], registers })
  const active = new Gauge({ name: 'stagecast_jobs_active', help: 'Jobs queued or running, by pipeline and status', labelNames: ['pipeline', 'status'], registers })
  const stageDuration = new Histogram({
    name: 'stagecast_stage_duration_seconds',
    help: 'Time spent in each pipeline stage, by how the stage ended',
    labelNames: ['pipeline', 'stage', 'outcome'],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers
  })
  const uploadedBytes = new Counter({ name: 'stagecast_uploaded_bytes_total', help: 'Bytes of uploaded files accepted as jobs, by pipeline', labelNames: ['pipeline'], registers })
  const eventsWritten = new Counter({ name: 'stagecast_job_events_written_total', help: 'Job events this process wrote to the store, by event type', labelNames: ['type'], registers })
  const uploadedFiles = new Counter({ name: 'stagecast_uploaded_files_total', help: 'Uploaded files accepted as jobs, by pipeline', labelNames: ['pipeline'], registers })

  const tracked = new Map<string, TrackedJob>()

  function track (job: Job) {
    if (isTerminal(job.status) || tracked.has(job.id)) return
    if (tracked.size >= MAX_TRACKED_JOBS) forget(tracked.keys().next().value as string)
    const current = job.stages.find(stage => stage.status === 'running' && stage.startedAt)
    tracked.set(job.id, {
      pipeline: job.pipeline,
      status: job.status,
      stage: current?.startedAt ? { name: current.name, startedAt: Date.parse(current.startedAt) } : undefined
    })
    active.inc({ pipeline: job.pipeline, status: job.status })
  }

  function forget (id: string) {
    const job = tracked.get(id)
    if (!job) return
    active.dec({ pipeline: job.pipeline, status: job.status })
    tracked.delete(id)
  }

  function endStage (job: TrackedJob, at: number, outcome: string) {
    if (!job.stage) return
    stageDuration.observe({ pipeline: job.pipeline, stage: job.stage.name, outcome }, Math.max(0, at - job.stage.startedAt) / 1000)
    job.stage = undefined
  }

  /** A job the store has just created. */
  function jobCreated (job: Job) {
    submitted.inc({ pipeline: job.pipeline })
    for (const file of job.input.files) {
      uploadedBytes.inc({ pipeline: job.pipeline }, file.bytes)
      uploadedFiles.inc({ pipeline: job.pipeline })
    }
    track(job)
  }

  /** An event the store has just appended. */
  function eventAppended (id: string, event: JobEvent) {
    const job = tracked.get(id)
    if (!job) return
    const at = Date.parse(event.at)
    if (event.type === 'progress') {
      if (event.status !== job.status) {
        active.dec({ pipeline: job.pipeline, status: job.status })
        job.status = event.status
        active.inc({ pipeline: job.pipeline, status: job.status })
      }
      if (event.phase === 'started') {
        endStage(job, at, 'completed')
        job.stage = { name: event.stage, startedAt: at }
      } else if (event.phase === 'finished') {
        endStage(job, at, 'completed')
      }
      return
    }
    const status = terminalStatus[event.type]
    endStage(job, at, status)
    finished.inc({ pipeline: job.pipeline, status })
    forget(id)
  }

  return {
    jobCreated,
    eventAppended,

    /** A job that was queued or running before this process started (it is resumed or interrupted). */
    jobFound: track,

    /** Every event this process writes, with the job after it: the first one creates the job. */
    eventWritten (event: JobEvent, job: Job) {
      eventsWritten.inc({ type: event.type })
      if (event.seq === 1) jobCreated(job)
      else eventAppended(job.id, event)
    },

    /** The store evicted the job: nothing more will happen to it. */
    jobEvicted: forget,

    trackedCount: () => tracked.size
  }
}

export type JobMetrics = ReturnType<typeof createJobMetrics>
