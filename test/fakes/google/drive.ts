/**
 * Fake Drive resumable uploads: POST `?uploadType=resumable` opens a session (Location
 * header), PUT sends bytes (with `Content-Range` for a resumed part), PUT `bytes *\/N` asks how
 * much arrived (308 + `Range`). `dropUploadAfterBytes` cuts the connection mid-upload once, after
 * keeping what arrived, as a flaky network would.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RecordedRequest } from './server.ts'
import { sendJson } from './server.ts'

export interface UploadSession { metadata: Record<string, unknown>, contentType: string, length: number, received: Buffer }
export interface DriveFile { id: string, name: string, mimeType: string, parents: string[], appProperties: Record<string, string>, content: Buffer }

export interface DriveState {
  sessions: Map<string, UploadSession>
  files: DriveFile[]
  /** Armed by a test: the next upload PUT loses its connection after this many bytes. */
  dropUploadAfterBytes?: number
  onChunk?: (request: IncomingMessage, received: Buffer) => void
}

export function handleDrive (drive: DriveState, baseUrl: string, request: RecordedRequest, response: ServerResponse) {
  if (request.query.get('uploadType') !== 'resumable') return sendJson(response, 400, { error: { code: 400, message: 'Only resumable uploads are faked.' } })
  if (request.method === 'POST') {
    const id = randomUUID()
    drive.sessions.set(id, {
      metadata: JSON.parse(request.body.toString('utf8')) as Record<string, unknown>,
      contentType: String(request.headers['x-upload-content-type'] ?? 'application/octet-stream'),
      length: Number(request.headers['x-upload-content-length']),
      received: Buffer.alloc(0)
    })
    const location = `${baseUrl}upload/drive/v3/files?uploadType=resumable&upload_id=${id}&${new URLSearchParams({ fields: request.query.get('fields') ?? '' })}`
    response.writeHead(200, { Location: location, 'Content-Length': 0 })
    return response.end()
  }
  const session = drive.sessions.get(request.query.get('upload_id') ?? '')
  if (!session) return sendJson(response, 404, { error: { code: 404, message: 'Upload session not found.' } })
  const contentRange = String(request.headers['content-range'] ?? '')
  if (/^bytes \*\/\d+$/.test(contentRange)) return reportProgress(drive, session, request, response)
  const offset = Number(/^bytes (\d+)-/.exec(contentRange)?.[1] ?? 0)
  if (offset !== session.received.length) return sendJson(response, 400, { error: { code: 400, message: `Expected offset ${session.received.length}, got ${offset}.` } })
  session.received = Buffer.concat([session.received, request.body])
  return reportProgress(drive, session, request, response)
}

function reportProgress (drive: DriveState, session: UploadSession, request: RecordedRequest, response: ServerResponse) {
  if (session.received.length < session.length) {
    const headers: Record<string, string> = session.received.length > 0 ? { Range: `bytes=0-${session.received.length - 1}` } : {}
    response.writeHead(308, { ...headers, 'Content-Length': 0 })
    return response.end()
  }
  const id = `file-${drive.files.length + 1}`
  const file: DriveFile = {
    id,
    name: String(session.metadata.name),
    mimeType: String(session.metadata.mimeType ?? session.contentType),
    parents: (session.metadata.parents as string[] | undefined) ?? [],
    appProperties: (session.metadata.appProperties as Record<string, string> | undefined) ?? {},
    content: session.received
  }
  drive.files.push(file)
  drive.sessions.delete(request.query.get('upload_id') ?? '')
  sendJson(response, 200, { kind: 'drive#file', id, name: file.name, mimeType: file.mimeType, webViewLink: `https://drive.google.com/file/d/${id}/view?usp=drivesdk` })
}

/** Installs the chunk hook that cuts one upload PUT short, keeping the bytes that arrived. */
export function installUploadDrop (drive: DriveState) {
  drive.onChunk = (request, received) => {
    const limit = drive.dropUploadAfterBytes
    if (limit === undefined || request.method !== 'PUT' || received.length < limit) return
    const url = new URL(request.url ?? '/', 'http://fake')
    const session = drive.sessions.get(url.searchParams.get('upload_id') ?? '')
    if (!session || /^bytes \*/.test(String(request.headers['content-range'] ?? ''))) return
    drive.dropUploadAfterBytes = undefined
    session.received = Buffer.concat([session.received, received.subarray(0, limit)])
    request.socket.destroy()
  }
}
