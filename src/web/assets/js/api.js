// @ts-check
/**
 * The page's calls to the HTTP API (shared/CONTRACT.md). Uploads go through XMLHttpRequest
 * because only it reports the browser's own upload progress; everything else uses fetch.
 * Every failure becomes an ApiError carrying the server's code and its message for the user.
 */

/** @typedef {import('../../types/contract').PublicJob} PublicJob */
/** @typedef {import('../../types/contract').UploadReply} UploadReply */
/** @typedef {import('../../types/contract').JobResult} JobResult */

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} code the server's stable error code
   * @param {string} message written for the person who has to act on it
   * @param {number | null} [retryAfterSeconds]
   */
  constructor (status, code, message, retryAfterSeconds = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** @param {string} id */
export const jobLinks = (id) => {
  const base = `/api/jobs/${encodeURIComponent(id)}`
  return { self: base, result: `${base}/result`, pdf: `${base}/report.pdf`, events: `/api/progress/${encodeURIComponent(id)}` }
}

/** @type {Record<number, string>} */
const fallbackMessages = {
  400: 'The server could not accept this request.',
  404: 'No job has this id.',
  409: 'The job is not finished yet.',
  410: 'This job has expired and its data was removed.',
  413: 'The file is larger than the server accepts.',
  415: 'No pipeline accepts this type of file. Upload a CSV/TSV for a report, or a PDF/PNG/JPEG/TIFF for intake.',
  429: 'Too many uploads in a short time. Wait a moment and try again.',
  503: 'The server is busy or restarting. Try again in a few seconds.'
}

/**
 * @param {number} status
 * @param {string} bodyText
 * @param {string | null} retryAfter
 */
function toApiError (status, bodyText, retryAfter) {
  /** @type {{ error?: unknown, message?: unknown }} */
  let body = {}
  try {
    body = JSON.parse(bodyText)
  } catch {
    // A proxy or a crashed server may answer with HTML or nothing; the status still says enough.
  }
  const code = typeof body.error === 'string' ? body.error : `http_${status}`
  const message = typeof body.message === 'string' && body.message
    ? body.message
    : fallbackMessages[status] ?? `The server answered with an unexpected error (HTTP ${status}).`
  const seconds = retryAfter === null ? NaN : Number(retryAfter)
  return new ApiError(status, code, message, Number.isFinite(seconds) ? seconds : null)
}

const unreachable = () => new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection, then try again.')

/**
 * @param {string} url
 * @param {RequestInit} [init]
 */
async function request (url, init) {
  let response
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  } catch {
    throw unreachable()
  }
  if (!response.ok) throw toApiError(response.status, await response.text(), response.headers.get('retry-after'))
  return response
}

/**
 * Uploads the files as one job. Resolves with the 202 reply; rejects with an ApiError.
 * @param {{ jobId: string, files: File[], pipeline: string | null, fields: Record<string, string>,
 *   onUploadProgress: (loaded: number, total: number) => void, signal?: AbortSignal }} options
 * @returns {Promise<UploadReply>}
 */
export function uploadJob ({ jobId, files, pipeline, fields, onUploadProgress, signal }) {
  const form = new FormData()
  // Text fields first: a streaming server then knows the pipeline and overrides before the file.
  if (pipeline) form.append('pipeline', pipeline)
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const file of files) form.append('file', file, file.name)

  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError(0, 'upload_aborted', 'The upload was stopped before it started.'))
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/jobs')
    xhr.setRequestHeader('X-Job-Id', jobId)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onUploadProgress(event.loaded, event.total)
    })
    xhr.addEventListener('load', () => {
      if (xhr.status === 202 || xhr.status === 200 || xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText))
        } catch {
          reject(new ApiError(xhr.status, 'bad_reply', 'The server accepted the upload but its reply could not be read.'))
        }
      } else {
        reject(toApiError(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')))
      }
    })
    xhr.addEventListener('error', () => reject(unreachable()))
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'upload_aborted', 'The upload was stopped before it finished.')))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}

/**
 * @param {string} id
 * @returns {Promise<PublicJob>}
 */
export async function getJob (id) {
  return (await request(jobLinks(id).self)).json()
}

/**
 * @param {string} id
 * @returns {Promise<JobResult>}
 */
export async function getResult (id) {
  return (await request(jobLinks(id).result)).json()
}

/** @param {string} id */
export async function cancelJob (id) {
  await request(jobLinks(id).self, { method: 'DELETE' })
}

/**
 * Recent jobs, newest first.
 * @param {number} limit
 * @returns {Promise<PublicJob[]>}
 */
export async function listJobs (limit) {
  /** @type {{ jobs: PublicJob[] }} */
  const body = await (await request(`/api/jobs?limit=${limit}`)).json()
  return body.jobs
}
