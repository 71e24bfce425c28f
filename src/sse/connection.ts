/**
 * One open event stream on a raw HTTP response. It owns what @fastify/sse 0.6 gets wrong:
 * writes never wait on a client that left (fastify/sse#54), a client whose unsent data grows
 * past a bound is disconnected instead of buffered without limit, and every field is framed by
 * `formatSseMessage`. Closing is idempotent and runs the cleanup callbacks exactly once.
 *
 * Messages go straight to the socket, already framed as an HTTP chunk, rather than through
 * `response.write`, which splits each write into four buffers, corks the socket and flushes on
 * the next tick with `writev`. One event fanned out to thousands of streams is then one plain
 * write per stream (and the chunk is built once for all of them). `response.end()` still ends
 * the response, writing the last chunk and keeping the connection's HTTP state right.
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

  constructor (response: ServerResponse, headers: Record<string, string | string[] | number>, options: SseConnectionOptions) {
    this.#response = response
    this.#maxBufferedBytes = options.maxBufferedBytes
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'keep-alive'
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
    if (socket) socket.write(this.#chunked ? asChunk(frame) : frame)
    else this.#response.write(frame)
    if ((socket ?? this.#response).writableLength > this.#maxBufferedBytes) {
      // The client resumes from its Last-Event-ID when it reconnects; nothing is lost.
      this.#response.destroy()
      this.#finish()
      return false
    }
    return true
  }

  /** Ends the response after what was written so far. */
  end (): void {
    if (this.#closed) return
    this.#response.end()
    this.#finish()
  }

  onClose (callback: () => void): void {
    if (this.#closed) callback()
    else this.#onClose.push(callback)
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
