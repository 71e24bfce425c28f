/**
 * What a pipeline is: an ordered list of stages plus how to recognise the uploads it accepts.
 * Stages are plain async functions of a context; they never touch the store or HTTP. The runner
 * (runner.ts) owns ordering, percent mapping, timing, error capture, cancellation and cleanup.
 */
import type { Logger } from '../logger.ts'
import type { ArrivingUpload } from './arriving-upload.ts'

/** One uploaded file as the pipeline sees it: already on disk, type sniffed from its bytes. */
export interface JobInputFile {
  /** The name the client gave (display only: never used to build a filesystem path). */
  name: string
  /** Absolute path of the stored upload. Read-only for stages. */
  path: string
  /** MIME type sniffed from the content (e.g. `text/csv`, `application/pdf`, `image/png`). */
  type: string
  bytes: number
}

export interface StageContext<State> {
  readonly jobId: string
  /**
   * The uploaded files. While `upload` is set and not complete, only the first file is here and
   * it may still be growing; once it is complete, every file with its final size.
   */
  readonly files: readonly JobInputFile[]
  /** Text form fields sent with the upload (everything but `file` and `pipeline`); complete with the upload. */
  readonly fields: Readonly<Record<string, string>>
  /**
   * Set when the job started while its upload was still arriving. A pipeline that declares
   * `readsWhileUploading` works on the bytes as they come; for any other, the runner waits for
   * the whole upload before the first stage's work, so its stages never see this incomplete.
   */
  readonly upload: ArrivingUpload | undefined
  /** Private to this job, created before the first stage and removed after the last. */
  readonly scratchDir: string
  /** Persistent per-job folder for downloadable artifacts (e.g. `report.pdf`). */
  readonly artifactDir: string
  /** Aborted when the job is cancelled, stalls, or the process shuts down. Pass it on to I/O. */
  readonly signal: AbortSignal
  readonly log: Logger
  /** Mutable state handed from stage to stage; created by `pipeline.createState()`. */
  state: State
  /**
   * Reports progress within the current stage; `fraction` 0..1 is mapped into the stage's
   * percent range. Cheap to call often: events are throttled, the stall watchdog is fed.
   */
  progress: (fraction: number, message: string, detail?: Record<string, unknown>) => void
  /** Records the job's result document, served by `GET /api/jobs/{id}/result` once complete. */
  setResult: (result: unknown) => void
}

export interface Stage<State> {
  /** Stable machine name shown in events (`validation`, `forecasting`, …). */
  name: string
  /** Shown while the stage runs, e.g. "Validating data". */
  title: string
  /** The job's percent when this stage has finished (strictly increasing along the list). */
  endPercent: number
  run: (ctx: StageContext<State>) => Promise<void>
}

/** A file a pipeline leaves in `ctx.artifactDir` for clients to download (`GET /api/jobs/{id}/{name}`). */
export interface PipelineArtifact {
  /** The file name, also the last segment of its URL (e.g. `report.pdf`). */
  name: string
  /** Its media type, sent as Content-Type. */
  type: string
  /** The key of its URL in a job's `links` (e.g. `pdf`). */
  link: string
  /** One line for the API documentation. */
  summary: string
}

export interface Pipeline<State = unknown> {
  name: string
  /** MIME types (as sniffed from content) that this pipeline accepts. */
  accepts: readonly string[]
  /** Whether one job may carry several files. */
  multipleFiles: boolean
  createState: () => State
  stages: ReadonlyArray<Stage<State>>
  /**
   * Whether its stages read the upload while it arrives (through `ctx.upload`). Otherwise the
   * runner holds the first stage until the whole upload is stored, reporting the bytes received.
   */
  readsWhileUploading?: boolean
  /** Downloads the pipeline leaves besides its result document; removed with the job's data. */
  artifacts?: readonly PipelineArtifact[]
  /**
   * What one job holds at its peak beyond the idle server, in bytes: the embedded queue admits a
   * job only while the memory pool can cover it (src/memory/). Absent: negligible.
   */
  memoryBytes?: number
}

/** Pipelines are stored side by side with different state types; the runner never looks inside. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- state is opaque to everything but its own stages
export type AnyPipeline = Pipeline<any>
