/**
 * One open event stream on a raw HTTP response. It owns what @fastify/sse 0.6 gets wrong:
 * writes never wait on a client that left (fastify/sse#54), a client whose unsent data grows
 * past a bound is disconnected instead of buffered without limit, and every field is framed by
 * `formatSseMessage`. Closing is idempotent and runs the cleanup callbacks exactly once.
 *
 * Messages go straight to the socket, already framed as an HTTP chunk, rather than through
 * `response.write`, which splits each message into four buffers and defers them to the next
 * tick. What a stream is sent within one tick is gathered and written once, at the end of the
 * tick, as one chunk: a job's events stored in one transaction reach its stream in one system
 * call, and one event fanned out to thousands of streams is still one write each (the chunk is
 * built once for all of them). A stream's opening is such a tick — the headers, `retry`,
 * `connected` and the replay — so the socket is corked from the start and all of it leaves in
 * that first write. The end goes out with what was gathered before it: `response.end()` writes
 * the last chunk into the same corked write and keeps the connection's HTTP state right.
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { formatSseMessage, type SseMessage } from './format.ts'

export interface SseConnectionOptions {
  /** Disconnect when more than this many bytes are waiting to be sent. */
  maxBufferedBytes: number
}

export class SseConnection {
  readonly #response: ServerResponse
  /** Null while an earlier pipelined response still holds the socket: then `response.write` queues in order. */
  readonly #socket: Socket | null
  /** Whether Node frames this response body as HTTP/1.1 chunks (not for HTTP/1.0 clients). */
  readonly #chunked: boolean
  readonly #maxBufferedBytes: number
  readonly #onClose: Array<() => void> = []
  #closed = false
  #corked = false
  /** Frames sent this tick, written together when it ends. */
  #pending = ''

  constructor (response: ServerResponse, headers: Record<string, string | string[] | number>, options: SseConnectionOptions) {
    this.#response = response
    this.#maxBufferedBytes = options.maxBufferedBytes
    if (response.socket) {
      this.#corked = true
      response.socket.cork()
      SseConnection.#flushAtEndOfTick(this)
    }
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      // Keep-alive for proxies that would otherwise buffer or cut the stream, unless the client
      // asked to close: then it must get its close once the stream ends, not wait on an open socket.
      connection: /\bclose\b/i.test(String(response.req?.headers.connection ?? '')) ? 'close' : 'keep-alive'
    })
    response.flushHeaders()
    this.#socket = response.socket
    // `chunkedEncoding` is set by writeHead from the request's HTTP version and the headers.
    this.#chunked = (response as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true
    response.on('close', () => this.#finish())
  }

  get closed (): boolean { return this.#closed }

  /** Writes one message; returns false (and closes) when the client is gone or too slow. */
  send (message: SseMessage): boolean {
    return this.sendFrame(formatSseMessage(message))
  }

  /** Writes an already framed message (one event fanned out to many streams is framed once). */
  sendFrame (frame: string): boolean {
    if (this.#closed) return false
    const socket = this.#socket
    if (!socket) {
      this.#response.write(frame)
      return this.#withinBound(this.#response.writableLength)
    }
    if (this.#pending === '' && !this.#corked) SseConnection.#flushAtEndOfTick(this)
    this.#pending += frame
    // A string's length, not its bytes: a cheap and close enough measure for a safety bound.
    return this.#withinBound(socket.writableLength + this.#pending.length)
  }

  /** Ends the response after what was written so far. */
  end (): void {
    if (this.#closed) return
    if (this.#pending !== '') {
      // Corked, so that the last chunk `end()` writes leaves in the same write as these frames.
      this.#socket?.cork()
      this.#writePending()
    }
    this.#response.end()
    this.#finish()
  }

  onClose (callback: () => void): void {
    if (this.#closed) callback()
    else this.#onClose.push(callback)
  }

  /** Streams with something to write when this tick ends: one `nextTick` for all of them. */
  static #toFlush: SseConnection[] = []

  static #flushAtEndOfTick (connection: SseConnection) {
    if (SseConnection.#toFlush.length === 0) process.nextTick(SseConnection.#flushAll)
    SseConnection.#toFlush.push(connection)
  }

  static #flushAll () {
    const connections = SseConnection.#toFlush
    SseConnection.#toFlush = []
    for (const connection of connections) connection.#flush()
  }

  /** Writes what was gathered this tick (and the headers, the first time). */
  #flush () {
    if (this.#closed) return
    this.#writePending()
    if (this.#corked) {
      this.#corked = false
      this.#socket?.uncork()
    }
    this.#withinBound(this.#socket?.writableLength ?? 0)
  }

  #writePending () {
    const pending = this.#pending
    if (pending === '') return
    this.#pending = ''
    this.#socket?.write(this.#chunked ? asChunk(pending) : pending)
  }

  /** False (and closed) when more than the bound waits to be sent. */
  #withinBound (waitingBytes: number): boolean {
    if (waitingBytes <= this.#maxBufferedBytes) return true
    // The client resumes from its Last-Event-ID when it reconnects; nothing is lost.
    this.#response.destroy()
    this.#finish()
    return false
  }

  #finish () {
    if (this.#closed) return
    this.#closed = true
    for (const callback of this.#onClose.splice(0)) callback()
  }
}

/**
 * `frame` as one HTTP/1.1 chunk. Fan-out hands every stream the same frame string in a row, so
 * remembering the last one builds each chunk once per event, not once per stream.
 */
let lastFrame = ''
let lastChunk = ''
function asChunk (frame: string): string {
  if (frame !== lastFrame) {
    lastFrame = frame
    lastChunk = `${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n`
  }
  return lastChunk
}
