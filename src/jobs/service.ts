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
import { AppError, insufficientStorage, jobExpired, jobNotFinished, jobNotFound, pipelineAfterFile, storageUnavailable, uploadAborted } from '../errors.ts'
import { megabytes } from './arriving-upload.ts'
import { choosePipeline } from './choose-pipeline.ts'
import type { DataDir } from './data-dir.ts'
import { bindFileLifetimes } from './file-lifetimes.ts'
import { newJobId } from './job-id.ts'
import { isTerminal, isTerminalEvent, type Job, type JobInput, type JobStatus, type NewJobEvent, type StageState } from './model.ts'
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

/** An upload as the HTTP layer received it into the files the service named. */
export interface ReceivedUpload {
  files: JobInputFile[]
  /** The `pipeline` field, when the client chose one. */
  pipelineName: string | undefined
  fields: Record<string, string>
}

/** The first file of an upload whose type is known while the rest of it is still arriving. */
export interface FirstFile {
  /** `bytes` is what has arrived so far. */
  file: JobInputFile
  pipelineName: string | undefined
  /** The form fields sent before the file. */
  fields: Record<string, string>
}

/** What the receiver tells the service while an upload arrives. */
export interface UploadHooks {
  /** Creates and starts the job on the first file; a throw (e.g. 415) stops the upload. */
  onFirstFile: (first: FirstFile) => Promise<void>
  /** Bytes of files stored so far. */
  onBytes: (bytes: number) => void
  /** True once the job ended while its upload arrived (failed on its first rows, or cancelled). */
  stopped: () => boolean
}

export interface Submission {
  /** The client's X-Job-Id, already canonical; a new id is made when absent. */
  requestedId?: string
  /** The request's Content-Length: roughly the file's size, for upload progress. */
  expectedBytes?: number
  /** Streams the upload's files to `pathOf(1)`, `pathOf(2)`… (which belong to this submission alone). */
  receive: (pathOf: (index: number) => string, hooks: UploadHooks) => Promise<ReceivedUpload>
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
      if (job.status === 'queued' && pipelines.has(job.pipeline) && !job.input.receiving) {
        await queue.enqueue(job)
        log.info({ jobId: job.id }, 'queued job resumed after restart')
      } else if (job.input.receiving) {
        await store.append(job.id, { type: 'interrupted', message: 'The server restarted while the file was being uploaded. Upload it again.' })
        log.warn({ jobId: job.id }, 'job interrupted by a restart during its upload')
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

  async function createJob (id: string, pipeline: AnyPipeline, input: JobInput, reservation: string, message: string): Promise<Job> {
    return await store.create({
      id,
      pipeline: pipeline.name,
      stages: initialStages(pipeline),
      input,
      reservation,
      firstEvent: {
        type: 'progress', phase: 'queued', stage: pipeline.stages[0]?.name ?? 'upload', stageIndex: 0, stageCount: pipeline.stages.length, percent: 0, status: 'queued', message
      }
    })
  }

  async function enqueue (job: Job): Promise<void> {
    await queue.enqueue(job).catch(async error => {
      await store.append(job.id, { type: 'failed', stage: null, code: 'queue_unavailable', message: 'The job could not be handed to a worker. Upload the file again in a moment.' })
      throw error
    })
    log.info({ jobId: job.id, pipeline: job.pipeline, files: job.input.files.length, receiving: job.input.receiving !== undefined }, 'job queued')
  }

  /** Ends a job whose upload failed part-way: its stream says why, and its run stops. */
  async function endUpload (id: string, error: unknown): Promise<void> {
    const { code, message } = uploadFailureOf(error)
    try {
      await store.append(id, current => ({ type: 'failed', stage: current.stages[0]?.name ?? null, code, message }))
      await queue.cancel(id, { type: 'interrupted', message })
      log.info({ jobId: id, code }, 'upload failed part-way; job ended')
    } catch (storeError) {
      log.error({ err: storeError, jobId: id }, 'could not end the job of a failed upload')
    }
  }

  /**
   * Upload progress while the job waits for a worker (a running job's own stages report it).
   * At most one event per ARRIVAL_REPORT_MS; built from the job's snapshot, so none is written
   * once a worker has it.
   */
  function arrivalReporter (id: string, expectedBytes: number | null) {
    let lastAt = 0
    return (bytes: number) => {
      const at = Date.now()
      if (at - lastAt < ARRIVAL_REPORT_MS) return
      lastAt = at
      store.append(id, current => current.status === 'queued' ? arrivalEvent(current, bytes, expectedBytes) : null)
        .catch(error => log.warn({ err: error, jobId: id }, 'could not record upload progress'))
    }
  }

  let watchTimer: NodeJS.Timeout | undefined

  return {
    pipelines,

    /**
     * Takes an upload: claims the id before a byte is stored, then creates and starts the job
     * as soon as the first file's type is known (its stages read the file as it arrives), or at
     * the end for a small upload. An upload that fails part-way ends its job `failed` with the
     * reason, and leaves no file behind.
     */
    async submit ({ requestedId, expectedBytes, receive }: Submission): Promise<Job> {
      const id = requestedId ?? newJobId()
      const reservation = await store.reserve(id)
      let started: { pipeline: AnyPipeline } | undefined
      let ended = false
      let stopWatching: Unsubscribe | undefined
      const reportArrival = arrivalReporter(id, expectedBytes ?? null)
      let upload: ReceivedUpload
      try {
        upload = await receive(index => dataDir.uploadFile(id, index), {
          async onFirstFile ({ file, pipelineName, fields }) {
            const pipeline = choosePipeline(pipelines, pipelineName, [file])
            stopWatching = store.subscribe(id, event => { if (isTerminalEvent(event)) ended = true })
            const job = await createJob(id, pipeline, { files: [file], fields, receiving: { expectedBytes: expectedBytes ?? null } }, reservation, 'Receiving the upload…')
            // From here the job owns the id: a failure ends the job instead of giving the id back.
            started = { pipeline }
            await enqueue(job)
          },
          onBytes: bytes => { if (started && !ended) reportArrival(bytes) },
          stopped: () => ended
        })
      } catch (error) {
        stopWatching?.()
        const failure = storageErrorOf(error) ?? error
        if (started) await endUpload(id, failure)
        else await store.releaseReservation(id, reservation)
        await dataDir.removeUploads(id)
        throw failure
      }
      stopWatching?.()
      const input = { files: upload.files, fields: upload.fields }
      if (!started) {
        let job: Job
        try {
          job = await createJob(id, choosePipeline(pipelines, upload.pipelineName, upload.files), input, reservation, 'Upload received; waiting for a worker')
        } catch (error) {
          await dataDir.removeUploads(id, upload.files)
          await store.releaseReservation(id, reservation)
          throw storageErrorOf(error) ?? error
        }
        await enqueue(job)
        return job
      }
      // Fields or files after the first file may still make the upload one the job cannot take.
      const fitting = fits(pipelines, started.pipeline, upload)
      if (fitting !== true) {
        await endUpload(id, fitting)
        await dataDir.removeUploads(id, upload.files)
        throw fitting
      }
      const bytes = upload.files.reduce((sum, file) => sum + file.bytes, 0)
      const handedOver = await store.append(id, current => receivedEvent(current, input, bytes))
      if (!handedOver) {
        // The job ended while its upload arrived (its first rows failed, or it was cancelled):
        // what was stored after that goes now; the client sees the ending on the job itself.
        await dataDir.removeUploads(id, upload.files)
      } else {
        log.info({ jobId: id, bytes }, 'upload received')
      }
      return (await find(id, { extendRetention: false })).job
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

/** Least time between two upload progress events of a job that waits for a worker. */
const ARRIVAL_REPORT_MS = 500

function arrivalEvent (current: Job, bytes: number, expectedBytes: number | null): NewJobEvent {
  const of = expectedBytes ? ` of about ${megabytes(expectedBytes)}` : ''
  return {
    type: 'progress',
    phase: 'queued',
    status: 'queued',
    stage: current.stages[0]?.name ?? 'upload',
    stageIndex: 0,
    stageCount: current.stages.length,
    percent: current.percent,
    message: `Receiving the upload: ${megabytes(bytes)}${of}; the job starts as soon as a worker is free`,
    detail: { bytesReceived: bytes, ...(expectedBytes ? { bytesExpected: expectedBytes } : {}) }
  }
}

/** The event that hands a job its complete input once the last byte is stored. */
function receivedEvent (current: Job, input: JobInput, bytes: number): NewJobEvent {
  const stageIndex = Math.max(0, current.stages.findIndex(stage => stage.name === current.stage))
  return {
    type: 'progress',
    phase: 'received',
    status: current.status === 'running' ? 'running' : 'queued',
    stage: current.stages[stageIndex]?.name ?? 'upload',
    stageIndex,
    stageCount: current.stages.length,
    percent: current.percent,
    message: `Upload received: ${megabytes(bytes)}`,
    detail: { bytes },
    input
  }
}

/**
 * Whether the whole upload (the files and fields after its first file too) goes to the pipeline
 * its first file started: the same choice as for an upload taken whole.
 */
function fits (pipelines: ReadonlyMap<string, AnyPipeline>, started: AnyPipeline, upload: ReceivedUpload): true | AppError {
  let chosen: AnyPipeline
  try {
    chosen = choosePipeline(pipelines, upload.pipelineName, upload.files)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  if (chosen.name === started.name) return true
  return pipelineAfterFile(started.name, chosen.name)
}

/** The code and message a job's `failed` event gets when its upload failed part-way. */
function uploadFailureOf (error: unknown): { code: string, message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message }
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED') {
    const aborted = uploadAborted()
    return { code: aborted.code, message: aborted.message }
  }
  return { code: 'internal_error', message: 'Storing the upload failed unexpectedly. The error has been logged; upload the file again.' }
}

/** A disk that is full or unwritable while an upload is stored: 507 or 503, never a 500. */
function storageErrorOf (error: unknown): AppError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT') return insufficientStorage()
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EIO') return storageUnavailable()
  return undefined
}

export type JobService = ReturnType<typeof createJobService>
