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

/** An upload refused for what would run out (queue, disk, memory); the job system itself carries on. */
export const uploadsPaused = (reason: string, retryAfterSeconds: number) =>
  new AppError('overloaded', 503, `New uploads are paused: ${reason}. Try again in ${retryAfterSeconds} seconds; jobs already accepted carry on.`, { retryAfterSeconds })

/*
 * Answers of the HTTP layers under the routes — Node's parser, Fastify's router and body
 * parsers, CORS preflight, multipart limits — so that every answer the server gives, not only
 * the routes' own, is `{ error, message }` with a code from this catalogue.
 */

export const routeNotFound = (method: string, path: string) =>
  new AppError('route_not_found', 404, `There is no ${method} ${path} route. See /docs for the API.`)

export const invalidPreflight = () =>
  new AppError('invalid_preflight', 400, 'OPTIONS is answered as a CORS preflight only: send Origin and Access-Control-Request-Method, as browsers do.')

export const unknownMethod = () =>
  new AppError('unknown_method', 400, 'The request method is not one HTTP defines (methods are case-sensitive). This API uses GET, HEAD, POST, DELETE and OPTIONS.')

export const connectNotSupported = () =>
  new AppError('method_not_allowed', 405, 'This server is not a proxy: CONNECT is not supported.')

export const malformedRequest = (detail: string) =>
  new AppError('malformed_request', 400, `This is not a valid HTTP/1.1 request (${detail}). Send it with a standard HTTP client.`)

export const missingHost = () =>
  new AppError('missing_host', 400, 'An HTTP/1.1 request needs a Host header.')

export const headersTooLarge = () =>
  new AppError('headers_too_large', 431, 'The request line and headers together are larger than 16 KiB. Shorten the URL (job ids are 36-character UUIDs) or send fewer or smaller headers, such as cookies.')

export const requestTimeout = () =>
  new AppError('request_timeout', 408, 'The request did not arrive in time (HEADERS_TIMEOUT_SECONDS for the headers, REQUEST_TIMEOUT_SECONDS for the whole request). Send it again.')

export const expectationFailed = () =>
  new AppError('expectation_failed', 417, 'Only "Expect: 100-continue" is supported; send the request without other expectations.')

export const invalidUrl = () =>
  new AppError('invalid_url', 400, 'The URL is not valid: it has a broken percent-escape (such as %zz) or escapes bytes that are not UTF-8.')

export const urlSegmentTooLong = (maxCharacters: number) =>
  new AppError('url_segment_too_long', 414, `A part of the URL path is longer than ${maxCharacters} characters. Job ids are 36-character UUIDs.`)

export const invalidRequest = (detail: string) =>
  new AppError('invalid_request', 400, `Invalid request: ${detail}`)

export const unsupportedMediaType = () =>
  new AppError('unsupported_media_type', 415, 'This content type is not accepted here; uploads are multipart/form-data with the file in a field named "file".')

export const notMultipart = () =>
  new AppError('not_multipart', 415, 'Send the upload as multipart/form-data with the file in a field named "file".')

export const bodyTooLarge = () =>
  new AppError('body_too_large', 413, 'The request body is larger than this route accepts. Uploads go to POST /api/jobs as multipart/form-data.')

export const invalidJson = () =>
  new AppError('invalid_json', 400, 'The body is declared as JSON (Content-Type: application/json) but is empty or not valid JSON.')

export const invalidContentLength = () =>
  new AppError('invalid_content_length', 400, 'The Content-Length header does not match the body that was sent.')

export const tooManyFiles = () =>
  new AppError('too_many_files', 413, 'Too many files in one upload (MAX_FILES). Send the documents in several uploads.')

export const tooManyParts = () =>
  new AppError('too_many_parts', 413, 'Too many parts in one upload: at most MAX_FILES files and 100 form fields.')

export const tooManyFields = () =>
  new AppError('too_many_fields', 413, 'Too many form fields in one upload: at most 100.')

export const pipelineAfterFile = (started: string, named: string) =>
  new AppError('pipeline_after_file', 400, `The ${started} pipeline had already started on the file when the form named "${named}". Send the "pipeline" field before the file.`)

export const uploadAborted = () =>
  new AppError('upload_aborted', 400, 'The connection closed before the upload finished; send it again.')

export const malformedMultipart = (detail: string) =>
  new AppError('malformed_multipart', 400, `The upload is not valid multipart/form-data (${detail}); send it again as a form with the file in a field named "file".`)

export const internalError = () =>
  new AppError('internal_error', 500, 'Something went wrong on the server. It has been logged; please try again.')

/** Codes for client errors that no entry above names, by status (a plugin's own 4xx). */
const CLIENT_ERROR_CODES: Record<number, string> = Object.fromEntries([
  [400, 'bad_request'], [401, 'unauthorized'], [403, 'forbidden'], [404, 'not_found'], [405, 'method_not_allowed'], [408, 'request_timeout'],
  [409, 'conflict'], [411, 'length_required'], [413, 'too_large'], [414, 'url_too_long'], [415, 'unsupported_media_type'],
  [416, 'range_not_satisfiable'], [429, 'rate_limited'], [431, 'headers_too_large']
])

/**
 * A Fastify (or Fastify plugin) error as a catalogue entry: its `FST_…` code mapped to ours,
 * else a code for its status with the plugin's own message. Returns undefined for server errors.
 */
export function fromFrameworkError (error: { code?: string, statusCode?: number, message: string }, limits: { maxUploadBytes: number }): AppError | undefined {
  const known: Record<string, () => AppError> = {
    FST_ERR_BAD_URL: invalidUrl,
    FST_ERR_MAX_PARAM_LENGTH: () => urlSegmentTooLong(100),
    FST_ERR_NOT_FOUND: () => new AppError('route_not_found', 404, 'There is no such route. See /docs for the API.'),
    FST_ERR_CTP_INVALID_MEDIA_TYPE: unsupportedMediaType,
    FST_ERR_CTP_BODY_TOO_LARGE: bodyTooLarge,
    FST_ERR_CTP_INVALID_JSON_BODY: invalidJson,
    FST_ERR_CTP_EMPTY_JSON_BODY: invalidJson,
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: invalidContentLength,
    FST_REQ_FILE_TOO_LARGE: () => fileTooLarge(limits.maxUploadBytes),
    FST_FILES_LIMIT: tooManyFiles,
    FST_PARTS_LIMIT: tooManyParts,
    FST_FIELDS_LIMIT: tooManyFields,
    FST_INVALID_MULTIPART_CONTENT_TYPE: notMultipart,
    FST_MP_PREMATURE_CLOSE: uploadAborted
  }
  const mapped = error.code === undefined ? undefined : known[error.code]
  if (mapped) return mapped()
  const status = error.statusCode ?? 500
  if (status < 400 || status >= 500) return undefined
  // 406 from a body parser means "this content type is not accepted", which is 415.
  if (status === 406) return unsupportedMediaType()
  return new AppError(CLIENT_ERROR_CODES[status] ?? 'client_error', status, error.message)
}

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
