/**
 * The one catalogue of errors that reach users. Every error has a stable `code` (what clients
 * branch on) and a message written for the person who has to fix the problem. HTTP errors carry
 * their status; pipeline errors become a `failed` job event naming the stage (added by the runner).
 */

export class AppError extends Error {
  readonly code: string
  readonly statusCode: number
  /** Extra machine-readable context safe to show the client (e.g. `{ status: 'running' }`). */
  readonly details: Record<string, unknown> | undefined

  constructor (code: string, statusCode: number, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
    this.details = details
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 400, message, details)

export const jobNotFound = () =>
  new AppError('job_not_found', 404, 'No job has this id. Check the id, or upload the file again.')

export const jobExpired = () =>
  new AppError('job_expired', 410, 'This job finished and its data has been removed after the retention period. Upload the file again.')

export const jobNotFinished = (status: string) =>
  new AppError('job_not_finished', 409, `The job is ${status}; its result is available once it has completed.`, { status })

export const jobIdInUse = () =>
  new AppError('job_id_in_use', 409, 'Another upload already used this X-Job-Id. Generate a new UUID for each upload.')

export const unsupportedFileType = (detected: string) =>
  new AppError('unsupported_file_type', 415, `No pipeline accepts this file (detected type: ${detected}). Upload a CSV/TSV for a report, or a PDF/PNG/JPEG/TIFF for intake.`)

export const fileTooLarge = (limitBytes: number) =>
  new AppError('file_too_large', 413, `The upload is larger than the limit of ${limitBytes} bytes.`)

export const fieldTooLarge = (field: string, limitBytes: number) =>
  new AppError('field_too_large', 413, `The form field "${field}" is longer than ${limitBytes / 1024} KiB; shorten it or send the text as a file.`)

export const shuttingDown = () =>
  new AppError('shutting_down', 503, 'The server is restarting and does not accept new uploads right now. Try again in a few seconds.')

export const insufficientStorage = () =>
  new AppError('insufficient_storage', 507, 'The server has no room left to store this upload or its job. Nothing was kept; try again later, and tell the server\'s operator if it keeps happening.')

export const storageUnavailable = () =>
  new AppError('storage_unavailable', 503, 'The server cannot write to its storage right now, so nothing was accepted. Try again in a few seconds.')

/** The code of the `failed` event of a job whose progress could not be saved. */
export const STORAGE_FAILED = 'storage_failed'

export const overloaded = (reason: string) =>
  new AppError('overloaded', 503, `The server is overloaded (${reason}). Try again shortly.`)

/**
 * Thrown by a pipeline stage when the input cannot be processed. The message says what to fix;
 * `location` points at the row, column, page or file concerned.
 */
export class JobFailure extends Error {
  readonly code: string
  readonly location: Record<string, string | number> | undefined

  constructor (code: string, message: string, location?: Record<string, string | number>) {
    super(message)
    this.name = 'JobFailure'
    this.code = code
    this.location = location
  }
}
