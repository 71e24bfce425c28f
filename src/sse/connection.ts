/**
 * One open event stream on a raw HTTP response. It owns what @fastify/sse 0.6 gets wrong:
 * writes never wait on a client that left (fastify/sse#54), a client whose unsent data grows
 * past a bound is disconnected instead of buffered without limit, and every field is framed by
 * `formatSseMessage`. Closing is idempotent and runs the cleanup callbacks exactly once.
 *
 * Messages go straight to the socket, already framed as an HTTP chunk, rather than through
 * `response.write`, which splits each message into four buffers and defers them to the next
 * tick. One event fanned out to thousands of streams is one immediate write each (the chunk is
 * built once for all of them); when a second message for the same stream comes in the same tick
 * (a burst of events), the socket is corked until the next tick so the burst leaves in one
 * system call. A stream's opening is such a burst — the headers, `retry`, `connected` and the
 * replay all come in the tick that opens it — so the socket is corked from the start and they
 * leave together. `response.end()` still ends the response: it writes the last chunk and keeps
 * the connection's HTTP state right.
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
  #lastWriteTick = -1

  constructor (response: ServerResponse, headers: Record<string, string | string[] | number>, options: SseConnectionOptions) {
    this.#response = response
    this.#maxBufferedBytes = options.maxBufferedBytes
    if (response.socket) {
      this.#corked = true
      response.socket.cork()
      process.nextTick(SseConnection.#uncork, this)
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
    if (socket) {
      const tick = currentTick()
      if (tick === this.#lastWriteTick && !this.#corked) {
        this.#corked = true
        socket.cork()
        process.nextTick(SseConnection.#uncork, this)
      }
      this.#lastWriteTick = tick
      socket.write(this.#chunked ? asChunk(frame) : frame)
    } else {
      this.#response.write(frame)
    }
    if ((socket ?? this.#response).writableLength > this.#maxBufferedBytes) {
      // The client resumes from its Last-Event-ID when it reconnects; nothing is lost.
      this.#response.destroy()
      this.#finish()
      return false
    }
    return true
  }

  /**
   * Writes the last message and ends the response, both in one write: the socket is corked
   * until `response.end()` has added the last chunk (it uncorks the socket fully).
   */
  endWith (frame: string): void {
    if (this.#closed) return
    this.#socket?.cork()
    if (this.sendFrame(frame)) this.end()
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

  static #uncork (connection: SseConnection) {
    connection.#corked = false
    connection.#socket?.uncork()
  }

  #finish () {
    if (this.#closed) return
    this.#closed = true
    for (const callback of this.#onClose.splice(0)) callback()
  }
}

/**
 * `frame` as one HTTP/1.1 chunk, in bytes. Fan-out hands every stream the same frame string in a
 * row, so remembering the last one encodes each chunk once per event, not once per stream (a
 * string written to a socket is encoded anew for every write). Sockets never modify what they send.
 */
let lastFrame = ''
let lastChunk = Buffer.alloc(0)
function asChunk (frame: string): Buffer {
  if (frame !== lastFrame) {
    lastFrame = frame
    lastChunk = Buffer.from(`${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n`)
  }
  return lastChunk
}

/** A number that changes once per tick of the event loop: one `nextTick` per tick, shared by all streams. */
let tickNumber = 0
let tickEnding = false
function currentTick (): number {
  if (!tickEnding) {
    tickEnding = true
    process.nextTick(() => {
      tickNumber++
      tickEnding = false
    })
  }
  return tickNumber
}
