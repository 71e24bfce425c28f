/**
 * Google's resumable upload protocol, which the generated clients do not implement:
 * POST the metadata with `uploadType=resumable`, get a session URL back in `Location`, PUT the
 * bytes there. When the PUT fails midway, ask the session how much arrived (`Content-Range:
 * bytes *\/size` → 308 with `Range`) and send the rest; an expired session (404/410) starts over.
 * The file is streamed from disk each time, never held in memory.
 * https://developers.google.com/workspace/drive/api/guides/manage-uploads#resumable
 */
import { createReadStream } from 'node:fs'
import type { AuthClient } from 'google-auth-library'
import { statusOf, withRetry, type RetryPolicy } from './retry.ts'

export interface ResumableUpload {
  client: AuthClient
  /** Full URL of the upload endpoint, e.g. `https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable`. */
  url: string
  metadata: Record<string, unknown>
  path: string
  bytes: number
  contentType: string
  policy: RetryPolicy
  signal: AbortSignal
}

export async function uploadResumable<T> (upload: ResumableUpload): Promise<T> {
  const { client, policy, signal } = upload
  let session: string | null = null
  let sentBefore = false
  return withRetry(async () => {
    if (!session) {
      session = await startSession(upload)
      sentBefore = false
    }
    try {
      let offset = 0
      if (sentBefore) {
        const confirmed = await confirmedOffset(client, session, upload.bytes, signal)
        if (typeof confirmed !== 'number') return confirmed as T
        offset = confirmed
      }
      sentBefore = true
      return await sendFrom(upload, session, offset) as T
    } catch (error) {
      const status = statusOf(error)
      if (status === 404 || status === 410) {
        session = null
        throw Object.assign(new Error('The upload session expired; starting again.'), { status: 503 })
      }
      throw error
    }
  }, { policy, signal })
}

async function startSession (upload: ResumableUpload): Promise<string> {
  const response = await upload.client.request({
    url: upload.url,
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=UTF-8',
      'X-Upload-Content-Type': upload.contentType,
      'X-Upload-Content-Length': String(upload.bytes)
    },
    data: JSON.stringify(upload.metadata),
    signal: upload.signal
  })
  const location = response.headers.get('location')
  if (!location) throw new Error('The upload service did not return a session URL (no Location header).')
  return location
}

/** How many bytes the session already holds, or the finished resource if it has all of them. */
async function confirmedOffset (client: AuthClient, session: string, bytes: number, signal: AbortSignal): Promise<number | unknown> {
  const response = await client.request({
    url: session,
    method: 'PUT',
    headers: { 'Content-Range': `bytes */${bytes}`, 'Content-Length': '0' },
    validateStatus: status => status === 308 || (status >= 200 && status < 300),
    signal
  })
  if (response.status !== 308) return response.data
  const range = /bytes=0-(\d+)/.exec(response.headers.get('range') ?? '')
  return range ? Number(range[1]) + 1 : 0
}

async function sendFrom (upload: ResumableUpload, session: string, offset: number): Promise<unknown> {
  const length = upload.bytes - offset
  const response = await upload.client.request({
    url: session,
    method: 'PUT',
    headers: {
      'Content-Type': upload.contentType,
      'Content-Length': String(length),
      ...(length > 0 ? { 'Content-Range': `bytes ${offset}-${upload.bytes - 1}/${upload.bytes}` } : {})
    },
    data: length > 0 ? createReadStream(upload.path, { start: offset }) : '',
    signal: upload.signal
  })
  return response.data
}
