/**
 * The connection-level attacks of the abuse run: slowloris heads, trickled and stalled uploads,
 * and thousands of idle event streams. Each reports when and how the server let go of the
 * connection, so the run can check that every one was cut within its configured bound.
 */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { open, type Target } from './abuse-http.ts'

export interface HeldConnection {
  /** ms from opening until the server closed it; null when it was still open at the deadline. */
  closedAfterMs: number | null
  status: number | null
}

/** Opens a socket, then calls `drip(socket)` every `everyMs` until the server closes it or `deadlineMs` passes. */
function hold (target: Target, start: string, drip: (socket: Socket) => void, everyMs: number, deadlineMs: number): Promise<HeldConnection> {
  return new Promise(resolve => {
    const started = performance.now()
    const socket = open(target)
    let answer = ''
    let timer: NodeJS.Timeout | undefined
    const deadline = setTimeout(() => finish(null), deadlineMs)
    const finish = (closedAfterMs: number | null) => {
      clearInterval(timer)
      clearTimeout(deadline)
      socket.destroy()
      resolve({ closedAfterMs, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]) || null })
    }
    socket.on('connect', () => {
      socket.write(start)
      timer = setInterval(() => { if (!socket.destroyed) drip(socket) }, everyMs)
    })
    socket.on('data', chunk => { answer += chunk.toString('latin1') })
    socket.on('close', () => finish(performance.now() - started))
    socket.on('error', () => {})
  })
}

/** Slowloris: a request head that never ends, one more header line every `everyMs`. */
export function slowloris (target: Target, count: number, everyMs: number, deadlineMs: number): Promise<HeldConnection[]> {
  let line = 0
  return Promise.all(Array.from({ length: count }, () =>
    hold(target, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', socket => socket.write(`X-Slow-${line++}: 1\r\n`), everyMs, deadlineMs)))
}

const uploadHead = (declaredBytes: number) => [
  'POST /api/jobs HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: multipart/form-data; boundary=slowBoundary',
  `Content-Length: ${declaredBytes}`, '', '--slowBoundary', 'Content-Disposition: form-data; name="file"; filename="slow.csv"', 'Content-Type: text/csv', '', 'date,revenue\n'
].join('\r\n')

/** Uploads that trickle `bytesPerTick` bytes every `everyMs`: a whole request must still arrive in time. */
export function slowUploads (target: Target, count: number, everyMs: number, deadlineMs: number): Promise<HeldConnection[]> {
  return Promise.all(Array.from({ length: count }, () =>
    hold(target, uploadHead(10 * 1024 * 1024), socket => socket.write('2024-01-01,1\n'), everyMs, deadlineMs)))
}

/** Uploads that send their head and a little body, then go silent. */
export function stalledUploads (target: Target, count: number, deadlineMs: number): Promise<HeldConnection[]> {
  return Promise.all(Array.from({ length: count }, () => hold(target, uploadHead(10 * 1024 * 1024), () => {}, 60_000, deadlineMs)))
}

export interface IdleStreams {
  opened: number
  failed: number
  /** Closes every stream from the client side. */
  close: () => void
}

/**
 * Opens `count` event streams that then sit idle, `batch` at a time, for ids that no job has
 * (each waits for its job and gets heartbeats). A stream counts as opened once `connected` came.
 */
export async function idleStreams (target: Target, count: number, batch = 250): Promise<IdleStreams> {
  const sockets: Socket[] = []
  let opened = 0
  let failed = 0
  for (let first = 0; first < count; first += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - first) }, () => new Promise<void>(resolve => {
      const socket = open(target)
      sockets.push(socket)
      let seen = ''
      let connected = false
      const giveUp = () => {
        if (!connected) failed++
        connected = true
        resolve()
      }
      const timer = setTimeout(giveUp, 15_000)
      socket.on('connect', () => socket.write(`GET /api/progress/${randomUUID()} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`))
      socket.on('data', chunk => {
        if (connected) return
        seen += chunk.toString('latin1')
        if (seen.includes('event: connected')) {
          connected = true
          opened++
          clearTimeout(timer)
          resolve()
        }
      })
      socket.on('error', () => {})
      socket.on('close', () => {
        clearTimeout(timer)
        giveUp()
      })
    })))
  }
  return { opened, failed, close: () => { for (const socket of sockets) socket.destroy() } }
}
