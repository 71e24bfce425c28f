/**
 * One open event stream on a raw HTTP response. It owns what @fastify/sse 0.6 gets wrong:
 * writes never wait on a client that left (fastify/sse#54), a client whose unsent data grows
 * past a bound is disconnected instead of buffered without limit, and every field is framed by
 * `formatSseMessage`. Closing is idempotent and runs the cleanup callbacks exactly once.
 */
import type { ServerResponse } from 'node:http'
import { formatSseMessage, type SseMessage } from './format.ts'

export interface SseConnectionOptions {
  /** Disconnect when more than this many bytes are waiting to be sent. */
  maxBufferedBytes: number
}

export class SseConnection {
  readonly #response: ServerResponse
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
    this.#response.write(frame)
    if (this.#response.writableLength > this.#maxBufferedBytes) {
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
