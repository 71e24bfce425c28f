/**
 * A recording EventSource client (the `eventsource` package, which follows the browser's
 * reconnection rules) and bounded waits for the events a test expects.
 */
import { EventSource } from 'eventsource'

export interface ReceivedEvent { type: string, id: string, data: Record<string, unknown> }

const EVENT_TYPES = ['connected', 'reset', 'progress', 'heartbeat', 'complete', 'failed', 'cancelled', 'interrupted', 'timeout']

export function recordStream (url: string, init?: { headers?: Record<string, string> }) {
  const received: ReceivedEvent[] = []
  const waiters = new Set<() => void>()
  let opens = 0
  let errors = 0
  const source = new EventSource(url, init?.headers
    ? { fetch: (input, options) => fetch(input, { ...options, headers: { ...options?.headers, ...init.headers } }) }
    : undefined)
  const notify = () => { for (const check of waiters) check() }
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, event => {
      // Events without an `id:` field report the previous id (the SSE "last event ID buffer"), so only
      // the event types that carry ids record one.
      const id = type === 'progress' || TERMINAL_TYPES.includes(type) ? event.lastEventId : ''
      received.push({ type, id, data: JSON.parse(event.data) as Record<string, unknown> })
      notify()
    })
  }
  source.addEventListener('open', () => { opens++; notify() })
  source.addEventListener('error', () => { errors++; notify() })

  /** Resolves when `predicate` holds over what was received, or rejects after `timeoutMs`. */
  function waitFor (predicate: (events: ReceivedEvent[]) => boolean, timeoutMs = 10_000, what = 'the expected events'): Promise<ReceivedEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(received)) return
        waiters.delete(check)
        clearTimeout(timer)
        resolve(received)
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`Timed out waiting for ${what}; received: ${received.map(describeEvent).join(', ')}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }

  return {
    source,
    received,
    waitFor,
    waitForType: (type: string, timeoutMs?: number) => waitFor(events => events.some(event => event.type === type), timeoutMs, `a ${type} event`),
    /** Resolves once the client has given up for good (e.g. after a 204). */
    waitClosed: (timeoutMs?: number) => waitFor(() => source.readyState === EventSource.CLOSED, timeoutMs, 'the stream to close'),
    get opens () { return opens },
    get errors () { return errors },
    close: () => source.close()
  }
}

/** An event as a failure message shows it: type and id, and for an ending its whole data (which says why). */
function describeEvent (event: ReceivedEvent): string {
  return `${event.type}#${event.id}${TERMINAL_TYPES.includes(event.type) ? ` ${JSON.stringify(event.data)}` : ''}`
}

export const TERMINAL_TYPES = ['complete', 'failed', 'cancelled', 'interrupted']
export const isTerminalType = (event: ReceivedEvent) => TERMINAL_TYPES.includes(event.type)

/** Bounded wait for a condition that becomes true through I/O elsewhere (no fixed sleeps). */
export async function eventually<T> (probe: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 10 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      last = error
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`)
}
