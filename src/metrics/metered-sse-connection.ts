/**
 * An SSE connection that counts the messages it sends, by event name, for `/metrics`. It
 * behaves exactly like `SseConnection`. Every write, framed here or pre-framed for fan-out,
 * goes through `sendFrame`, so that is where counting happens; the event name is read back
 * from the frame's `event:` line (a frame without one is a `retry:` hint or a plain message).
 */
import type { ServerResponse } from 'node:http'
import { SseConnection, type SseConnectionOptions } from '../sse/connection.ts'

export type SentMessageCounter = (event: string) => void

export class MeteredSseConnection extends SseConnection {
  readonly #countSent: SentMessageCounter

  constructor (response: ServerResponse, headers: Record<string, string | string[] | number>, options: SseConnectionOptions, countSent: SentMessageCounter) {
    super(response, headers, options)
    this.#countSent = countSent
  }

  override sendFrame (frame: string): boolean {
    const sent = super.sendFrame(frame)
    if (sent) this.#countSent(eventNameOf(frame))
    return sent
  }
}

export function eventNameOf (frame: string): string {
  const line = frame.startsWith('event: ') ? 0 : frame.indexOf('\nevent: ')
  if (line === -1) return frame.startsWith('retry: ') ? 'retry' : 'message'
  const start = line === 0 ? 'event: '.length : line + '\nevent: '.length
  const end = frame.indexOf('\n', start)
  return frame.slice(start, end === -1 ? undefined : end)
}
