/**
 * Server-Sent Events framing (WHATWG HTML §9.2). Field values that would break the framing are
 * made safe here, once: CR, LF and NUL are removed from event names and ids, and data with line
 * breaks is sent as several `data:` lines, which the client joins back with "\n".
 */

export interface SseMessage {
  event?: string
  /** Sent as is; 0 is a valid id (a falsy check would drop it). */
  id?: string | number
  data?: string
  /** Reconnection delay hint for the client, in milliseconds. */
  retry?: number
}

const UNSAFE_IN_FIELD = /[\r\n\0]/g
const LINE_BREAK = /\r\n|\r|\n/

export function formatSseMessage ({ event, id, data, retry }: SseMessage): string {
  let frame = ''
  if (retry !== undefined) frame += `retry: ${Math.max(0, Math.floor(retry))}\n`
  if (id !== undefined) frame += `id: ${String(id).replace(UNSAFE_IN_FIELD, '')}\n`
  if (event !== undefined) frame += `event: ${event.replace(UNSAFE_IN_FIELD, '')}\n`
  if (data !== undefined) {
    // JSON (what every event carries) has no raw line breaks: one line, without splitting.
    if (!data.includes('\n') && !data.includes('\r')) frame += `data: ${data}\n`
    else for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`
  }
  return frame + '\n'
}
