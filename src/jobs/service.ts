/**
 * The one door into the job system. Routes and plugins talk to this and to nothing else of it:
 * submit (id reservation before a byte is stored, upload, create, enqueue; whether to take an
 * upload at all is `plugins/app/upload-admission.ts`, from `queueDepth` and the disk), find
 * (404/410 decided here only), results and the artifacts pipelines declare, the event log and
 * its subscriptions, cancel or delete, listing, start-up recovery, the stall watchdog, and
 * the lifetime of every job file (through `data-dir.ts`), driven by the job's own events.
 */
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { AppError, insufficientStorage, jobExpired, jobNotFinished, jobNotFound, storageUnavailable } from '../errors.ts'
import { choosePipeline } from './choose-pipeline.ts'
import type { DataDir } from './data-dir.ts'
import { bindFileLifetimes } from './file-lifetimes.ts'
import { newJobId } from './job-id.ts'
import { isTerminal, type Job, type JobStatus, type StageState } from './model.ts'
import type { AnyPipeline, JobInputFile, PipelineArtifact } from './pipeline.ts'
import type { JobQueue } from './queue/types.ts'
import type { AppendListener, EventListener, JobStore, Unsubscribe } from './store/types.ts'

export interface JobServiceOptions {
  store: JobStore
  queue: JobQueue
  pipelines: ReadonlyMap<string, AnyPipeline>
  dataDir: DataDir
  log: Logger
  stallTimeoutSeconds: number
  watchIntervalMs: number
  /**
   * Start-up recovery when the queue has its own (Redis mode: it leaves jobs on workers alone);
   * absent, the embedded one below runs (queued jobs again, running ones interrupted).
   */
  recover?: () => Promise<void>
}

/** An upload as the HTTP layer received it into the folder the service gave it. */
export interface ReceivedUpload {
  files: JobInputFile[]
  /** The `pipeline` field, when the client chose one. */
  pipelineName: string | undefined
  fields: Record<string, string>
}

export interface Submission {
  /** The client's X-Job-Id, already canonical; a new id is made when absent. */
  requestedId?: string
  /** Streams the upload into `dir` (which belongs to this submission alone). */
  receive: (dir: string) => Promise<ReceivedUpload>
}

export interface FoundJob { job: Job, expiresAt: string | null }
export interface JobArtifact { path: string, type: string, fileName: string }

export const initialStages = (pipeline: AnyPipeline): StageState[] =>
  pipeline.stages.map(stage => ({ name: stage.name, title: stage.title, status: 'pending', percent: stage.endPercent, startedAt: null, finishedAt: null }))

const clientRead = { extendRetention: true }

export function createJobService (options: JobServiceOptions) {
  const { store, queue, pipelines, dataDir, log, stallTimeoutSeconds } = options

  const unbindFiles = bindFileLifetimes(store, dataDir)

  async function find (id: string, read = clientRead): Promise<FoundJob> {
    const lookup = await store.get(id, read)
    if (lookup.state === 'missing') throw jobNotFound()
    if (lookup.state === 'expired') throw jobExpired()
    return lookup
  }

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

  /** After a restart of the embedded server: queued jobs run again; jobs that were running are interrupted. */
  async function recoverInProcess (): Promise<void> {
    for (const job of await store.listUnfinished()) {
      if (job.status === 'queued' && pipelines.has(job.pipeline)) {
        await queue.enqueue(job)
        log.info({ jobId: job.id }, 'queued job resumed after restart')
      } else {
        await store.append(job.id, { type: 'interrupted', message: 'The server restarted while this job was running. Upload the file again.' })
        log.warn({ jobId: job.id, stage: job.stage }, 'running job interrupted by a restart')
      }
    }
  }

  /** Whether a folder under DATA_DIR still belongs to someone (a live job, or an upload arriving). */
  async function owns (jobId: string): Promise<boolean> {
    const lookup = await store.get(jobId)
    if (lookup.state === 'found') return !isTerminal(lookup.job.status)
    return lookup.state === 'missing' && await store.isReserved(jobId)
  }

  let watchTimer: NodeJS.Timeout | undefined

  return {
    pipelines,

    async submit ({ requestedId, receive }: Submission): Promise<Job> {
      const id = requestedId ?? newJobId()
      const reservation = await store.reserve(id)
      let upload: ReceivedUpload | undefined
      try {
        upload = await receive(dataDir.uploadDir(id))
        const pipeline = choosePipeline(pipelines, upload.pipelineName, upload.files)
        const job = await store.create({
          id,
          pipeline: pipeline.name,
          stages: initialStages(pipeline),
          input: { files: upload.files, fields: upload.fields },
          reservation,
          firstEvent: {
            type: 'progress', phase: 'queued', stage: pipeline.stages[0]?.name ?? 'upload', stageIndex: 0, stageCount: pipeline.stages.length, percent: 0, status: 'queued', message: 'Upload received; waiting for a worker'
          }
        })
        upload = undefined // the job owns the files now
        await queue.enqueue(job).catch(async error => {
          await store.append(id, { type: 'failed', stage: null, code: 'queue_unavailable', message: 'The job could not be handed to a worker. Upload the file again in a moment.' })
          throw error
        })
        log.info({ jobId: id, pipeline: pipeline.name, files: job.input.files.length }, 'job queued')
        return job
      } catch (error) {
        if (upload) await dataDir.removeUploads(id, upload.files)
        else await dataDir.removeUploads(id)
        await store.releaseReservation(id, reservation)
        throw storageErrorOf(error) ?? error
      }
    },

    find,

    /** A client's look at a job that may not exist yet (a stream opened before its upload). */
    lookup: (id: string) => store.get(id, clientRead),

    /** The job as stored, without counting as a client's read (its retention is unchanged). */
    peek: (id: string) => store.get(id),

    list: (query: { status?: JobStatus, limit: number }) => store.list(query),

    /** The result document of a completed job (or the partial one a failed job left). */
    async result (id: string): Promise<{ result: unknown, partial: boolean }> {
      const { job } = await find(id)
      if (job.status !== 'completed' && job.status !== 'failed') throw jobNotFinished(job.status)
      const result = await store.getResult(job.id, clientRead)
      if (result === undefined) throw jobNotFinished(job.status)
      return { result, partial: job.status === 'failed' }
    },

    /** A file the job's pipeline declares as an artifact (e.g. the report's `report.pdf`). */
    async artifact (id: string, name: string): Promise<JobArtifact> {
      const { job } = await find(id)
      const declared = artifactsOf(job.pipeline).find(artifact => artifact.name === name)
      if (!declared) throw new AppError('no_such_artifact', 404, `This is a ${job.pipeline} job; it has no ${name}.`)
      if (job.status !== 'completed') throw jobNotFinished(job.status)
      return { path: join(dataDir.artifactDir(job.id), declared.name), type: declared.type, fileName: `stagecast-${job.id.slice(0, 8)}-${declared.name}` }
    },

    artifactsOf,

    /** The job's events after `afterSeq`, and live ones: what a progress stream reads. */
    events: {
      readEventsAfter: (id: string, afterSeq: number) => store.readEventsAfter(id, afterSeq),
      subscribe: (id: string, listener: EventListener): Unsubscribe => store.subscribe(id, listener),
      subscriberCount: (id: string) => store.subscriberCount(id)
    },

    /** Every event this process writes, with the snapshot after it (metrics). */
    onEvent: (listener: AppendListener): Unsubscribe => store.onAppended(listener),

    listUnfinished: () => store.listUnfinished(),
    queueDepth: () => queue.depth(),
    ping: () => store.ping(),
    onEvicted: (listener: (id: string) => void) => store.onEvicted(listener),

    /** DELETE: cancels a queued or running job; deletes a finished one's data. */
    async cancelOrDelete (id: string): Promise<void> {
      const { job } = await find(id, { extendRetention: false })
      if (isTerminal(job.status)) {
        await store.remove(id)
        return
      }
      const reason = { type: 'cancelled' as const, message: 'The job was cancelled.' }
      await queue.cancel(id, reason)
      // If no queue held it (e.g. it was between hand-offs), record the cancellation anyway.
      await store.append(id, reason)
      log.info({ jobId: id }, 'job cancelled')
    },

    /** Start-up: recover what a previous run left, remove files nobody owns, watch for stalls. */
    async start (): Promise<void> {
      await (options.recover ?? recoverInProcess)()
      try {
        const removed = await dataDir.removeLeftovers(owns)
        if (removed.uploads + removed.scratch > 0) log.info(removed, 'removed files left by an earlier run')
      } catch (error) {
        // Leftovers cost disk space, not correctness: the server starts anyway.
        log.error({ err: error }, 'could not look for files left by an earlier run')
      }
      watchTimer = setInterval(() => {
        interruptStalledJobs().catch(error => log.error({ err: error }, 'stall detection failed'))
      }, options.watchIntervalMs)
    },

    async close (graceMs: number) {
      clearInterval(watchTimer)
      await queue.close(graceMs)
      unbindFiles()
    }
  }

  function artifactsOf (pipelineName: string): readonly PipelineArtifact[] {
    return pipelines.get(pipelineName)?.artifacts ?? []
  }
}

/** A disk that is full or unwritable while an upload is stored: 507 or 503, never a 500. */
function storageErrorOf (error: unknown): AppError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') return insufficientStorage()
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EIO') return storageUnavailable()
  return undefined
}

export type JobService = ReturnType<typeof createJobService>
