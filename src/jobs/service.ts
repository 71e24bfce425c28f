/**
 * The job lifecycle in one place: submit, cancel or delete, recover after a restart, stop jobs
 * that stall, and remove a job's files when the store evicts it. Routes talk to this, never to
 * the queue directly.
 */
import { rm } from 'node:fs/promises'
import type { Logger } from '../logger.ts'
import { jobExpired, jobNotFound } from '../errors.ts'
import { isTerminal, type Job, type StageState } from './model.ts'
import type { JobPaths } from './paths.ts'
import { removeUploads } from './remove-uploads.ts'
import type { AnyPipeline, JobInputFile } from './pipeline.ts'
import type { JobQueue } from './queue/types.ts'
import type { JobStore } from './store/types.ts'

export interface JobServiceOptions {
  store: JobStore
  queue: JobQueue
  pipelines: ReadonlyMap<string, AnyPipeline>
  paths: JobPaths
  log: Logger
  stallTimeoutSeconds: number
  watchIntervalMs: number
}

export interface Submission {
  id: string
  pipeline: AnyPipeline
  files: JobInputFile[]
  fields: Record<string, string>
}

export const initialStages = (pipeline: AnyPipeline): StageState[] =>
  pipeline.stages.map(stage => ({ name: stage.name, title: stage.title, status: 'pending', percent: stage.endPercent, startedAt: null, finishedAt: null }))

export function createJobService ({ store, queue, pipelines, paths, log, stallTimeoutSeconds, watchIntervalMs }: JobServiceOptions) {
  store.onEvicted(id => {
    void rm(paths.artifactDir(id), { recursive: true, force: true })
      .catch(error => log.error({ err: error, jobId: id }, 'could not remove artifacts'))
  })

  async function markInterrupted (job: Job, message: string) {
    await store.append(job.id, { type: 'interrupted', message })
    await queue.cancel(job.id, { type: 'interrupted', message })
    log.warn({ jobId: job.id, stage: job.stage }, 'job interrupted')
  }

  async function interruptStalledJobs () {
    const stalled = await store.listStalled(new Date(Date.now() - stallTimeoutSeconds * 1000))
    for (const job of stalled) {
      await markInterrupted(job, `The ${job.stage ?? 'current'} stage stopped reporting progress for ${stallTimeoutSeconds} s and was stopped. Upload the file again; if it happens again, the file may be too large for this server.`)
    }
  }

  let watchTimer: NodeJS.Timeout | undefined

  return {
    async submit ({ id, pipeline, files, fields }: Submission): Promise<Job> {
      const job = await store.create({
        id,
        pipeline: pipeline.name,
        stages: initialStages(pipeline),
        input: { files, fields },
        firstEvent: {
          type: 'progress', phase: 'queued', stage: pipeline.stages[0]?.name ?? 'upload', stageIndex: 0, stageCount: pipeline.stages.length, percent: 0, status: 'queued', message: 'Upload received; waiting for a worker'
        }
      })
      await queue.enqueue(job)
      log.info({ jobId: id, pipeline: pipeline.name, files: files.length }, 'job queued')
      return job
    },

    /** DELETE: cancels a queued or running job; deletes a finished one's data. */
    async cancelOrDelete (id: string): Promise<void> {
      const lookup = await store.get(id)
      if (lookup.state === 'missing') throw jobNotFound()
      if (lookup.state === 'expired') throw jobExpired()
      if (isTerminal(lookup.job.status)) {
        await store.remove(id)
        return
      }
      const reason = { type: 'cancelled' as const, message: 'The job was cancelled.' }
      await queue.cancel(id, reason)
      // If no queue held it (e.g. it was between hand-offs), record the cancellation anyway.
      await store.append(id, reason)
      log.info({ jobId: id }, 'job cancelled')
    },

    /** After a restart: queued jobs are resumed; jobs that were running are marked interrupted. */
    async recover (): Promise<void> {
      for (const job of await store.listUnfinished()) {
        if (job.status === 'queued' && pipelines.has(job.pipeline)) {
          await queue.enqueue(job)
          log.info({ jobId: job.id }, 'queued job resumed after restart')
        } else {
          await store.append(job.id, { type: 'interrupted', message: 'The server restarted while this job was running. Upload the file again.' })
          await removeUploads(paths.uploadDir(job.id), job.input.files)
          log.warn({ jobId: job.id, stage: job.stage }, 'running job interrupted by a restart')
        }
      }
    },

    startWatchdog () {
      watchTimer = setInterval(() => {
        interruptStalledJobs().catch(error => log.error({ err: error }, 'stall detection failed'))
      }, watchIntervalMs)
    },

    async close (graceMs: number) {
      clearInterval(watchTimer)
      await queue.close(graceMs)
    }
  }
}

export type JobService = ReturnType<typeof createJobService>
