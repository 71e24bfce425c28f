/**
 * Raw HTTP/1.1 over a TCP socket, for the abuse run: the attacks need bytes no HTTP client will
 * send (broken framing, endless headers, trickled bodies, plain garbage). Also the rule every
 * answer must pass: a 4xx/5xx, JSON `{ error, message }` when it has a body, and no stack trace
 * or server path in it.
 */
import { connect, type Socket } from 'node:net'

export interface Target { host: '127.0.0.1', port: number }

export interface Exchange {
  /** The status code of the answer, or null when the server closed without answering. */
  status: number | null
  contentType: string
  body: string
  ms: number
  /** True when our own deadline passed first (the server neither answered nor closed). */
  timedOut: boolean
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/

/** Opens a connection to the target; every socket the abuse run opens goes to 127.0.0.1 only. */
export function open (target: Target): Socket {
  if (target.host !== '127.0.0.1') throw new Error('The abuse run only ever targets 127.0.0.1')
  return connect(target.port, target.host)
}

/** Reads what the server sends back on `socket` until it closes or `timeoutMs` passes. */
export function readAnswer (socket: Socket, timeoutMs: number): Promise<Exchange> {
  const started = performance.now()
  const chunks: Buffer[] = []
  return new Promise(resolve => {
    let settled = false
    const finish = (timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const raw = Buffer.concat(chunks).toString('latin1')
      const split = raw.indexOf('\r\n\r\n')
      const head = split === -1 ? raw : raw.slice(0, split)
      const status = STATUS_LINE.exec(head)?.[1]
      resolve({
        status: status ? Number(status) : null,
        contentType: /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? '',
        body: split === -1 ? '' : Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8'),
        ms: performance.now() - started,
        timedOut
      })
    }
    const timer = setTimeout(() => finish(true), timeoutMs)
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('close', () => finish(false))
    socket.on('error', () => finish(false))
  })
}

/**
 * Sends `payload` in one go and reads the answer. The socket is not half-closed after writing
 * (the server would take that as the client leaving): requests say `Connection: close`, and the
 * server ends the connection once it has answered.
 */
export async function exchange (target: Target, payload: string | Buffer, timeoutMs = 10_000): Promise<Exchange> {
  const socket = open(target)
  const answer = readAnswer(socket, timeoutMs)
  socket.on('connect', () => socket.write(payload))
  return answer
}

const LEAK = /\/work\/|\/home\/|\/tmp\/|node_modules|\.ts:\d+|\.js:\d+|\bat [^\n]+:\d+:\d+/

/** Why an answer is not a clean error, or null when it is. 2xx answers are judged by the caller. */
export function uncleanReason (answer: Exchange): string | null {
  if (answer.status === null) return null
  if (answer.status < 400 || answer.status > 599) return `status ${answer.status}`
  if (LEAK.test(answer.body)) return `leaks a path or stack: ${answer.body.slice(0, 200)}`
  if (answer.body === '') return null
  if (!answer.contentType.startsWith('application/json')) return `non-JSON ${answer.status} body (${answer.contentType || 'no content type'})`
  try {
    const parsed = JSON.parse(answer.body) as { error?: unknown, message?: unknown }
    if (typeof parsed.error !== 'string' || typeof parsed.message !== 'string') return `${answer.status} body without error/message`
  } catch {
    return `${answer.status} body is not valid JSON`
  }
  return null
}

/** A multipart/form-data request with the given parts, ready to send raw. */
export function multipartRequest (parts: Array<{ headers: string[], body: string | Buffer }>, options: { boundary?: string, contentType?: string, extraHeaders?: string[], closing?: boolean } = {}): Buffer {
  const boundary = options.boundary ?? 'abuseBoundary7MA4YWxk'
  const pieces: Buffer[] = []
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(part.body), Buffer.from('\r\n'))
  }
  if (options.closing !== false) pieces.push(Buffer.from(`--${boundary}--\r\n`))
  const body = Buffer.concat(pieces)
  return rawRequest('POST', '/api/jobs', body, [`Content-Type: ${options.contentType ?? `multipart/form-data; boundary=${boundary}`}`, ...(options.extraHeaders ?? [])])
}

export function rawRequest (method: string, path: string, body: Buffer | string = '', headers: string[] = []): Buffer {
  const bytes = Buffer.from(body)
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...(bytes.length > 0 || method === 'POST' ? [`Content-Length: ${bytes.length}`] : []), ...headers]
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes])
}

export const filePart = (filename: string, content: string | Buffer, field = 'file', type = 'text/csv') =>
  ({ headers: [`Content-Disposition: form-data; name="${field}"; filename="${filename}"`, `Content-Type: ${type}`], body: content })

export const fieldPart = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: value })
