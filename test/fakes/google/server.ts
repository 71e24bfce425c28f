/**
 * A fake Google API server for tests: the real googleapis / google-auth-library / Vision
 * clients talk to it over HTTP on 127.0.0.1. It answers the calls stagecast makes, keeps what
 * it was sent (so tests assert on requests, not on our functions), checks the bearer token it
 * issued, and injects failures on request.
 */
import { randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyJwt } from './jwt.ts'
import { handleSheets, type SheetGrid } from './sheets.ts'
import { handleDrive, installUploadDrop, type DriveState } from './drive.ts'
import { handleVision, type VisionState } from './vision.ts'

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: Buffer
}

export interface Failure {
  method: string
  /** Matched against the decoded path. */
  path: RegExp
  status: number
  times: number
  retryAfterSeconds?: number
}

export interface FakeGoogle {
  url: string
  requests: RecordedRequest[]
  tokensIssued: number
  sheets: Map<string, SheetGrid>
  drive: DriveState
  vision: VisionState
  /** The next `times` matching requests get `status` (429, 500, 503…). */
  fail: (failure: Omit<Failure, 'times'> & { times?: number }) => void
  close: () => Promise<void>
}

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token'

export async function startFakeGoogle (options: { serviceAccountEmail: string, publicKey: KeyObject }): Promise<FakeGoogle> {
  const tokens = new Set<string>()
  const failures: Failure[] = []
  const fake: Omit<FakeGoogle, 'url' | 'close'> & { url: string } = {
    url: '',
    requests: [],
    tokensIssued: 0,
    sheets: new Map(),
    drive: { sessions: new Map(), files: [] },
    vision: { images: [], text: '', confidence: 0.97 },
    fail: failure => failures.push({ times: 1, ...failure })
  }

  installUploadDrop(fake.drive)
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      fake.drive.onChunk?.(request, Buffer.concat(chunks))
    })
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake')
      const recorded: RecordedRequest = { method: request.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks) }
      fake.requests.push(recorded)
      if (response.writableEnded || response.destroyed) return
      try {
        route(recorded, response)
      } catch (error) {
        sendJson(response, 500, { error: { code: 500, message: (error as Error).message, status: 'INTERNAL' } })
      }
    })
  })

  function route (request: RecordedRequest, response: ServerResponse) {
    if (request.method === 'POST' && request.path === '/token') return issueToken(request, response)
    if (!authorised(request)) return sendJson(response, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } })
    const failure = failures.find(f => f.times > 0 && f.method === request.method && f.path.test(request.path))
    if (failure) {
      failure.times--
      if (failure.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(failure.retryAfterSeconds))
      return sendJson(response, failure.status, { error: { code: failure.status, message: `Injected failure ${failure.status}`, status: failure.status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' } })
    }
    if (request.path.startsWith('/v4/spreadsheets/')) return handleSheets(fake.sheets, request, response)
    if (request.path.startsWith('/upload/drive/v3/files')) return handleDrive(fake.drive, fake.url, request, response)
    if (request.path === '/v1/images:annotate') return handleVision(fake.vision, request, response)
    sendJson(response, 404, { error: { code: 404, message: `The fake has no route for ${request.method} ${request.path}`, status: 'NOT_FOUND' } })
  }

  function issueToken (request: RecordedRequest, response: ServerResponse) {
    const form = new URLSearchParams(request.body.toString('utf8'))
    const claims = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer'
      ? verifyJwt(form.get('assertion') ?? '', options.publicKey)
      : null
    if (!claims || claims.iss !== options.serviceAccountEmail || claims.aud !== GOOGLE_TOKEN_AUDIENCE || !claims.scope) {
      return sendJson(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })
    }
    const token = `fake-token-${randomUUID()}`
    tokens.add(token)
    fake.tokensIssued++
    sendJson(response, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' })
  }

  /** An access token this server issued, or a JWT self-signed with the service account's key. */
  function authorised (request: RecordedRequest): boolean {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
    if (!bearer) return false
    if (tokens.has(bearer)) return true
    return verifyJwt(bearer, options.publicKey)?.iss === options.serviceAccountEmail
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return {
    ...fake,
    get requests () { return fake.requests },
    get tokensIssued () { return fake.tokensIssued },
    close: () => new Promise(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

export function sendJson (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers })
  response.end(text)
}
