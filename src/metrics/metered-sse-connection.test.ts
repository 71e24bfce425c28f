import { describe, expect, it } from 'vitest'
import { formatSseMessage } from '../sse/format.ts'
import { eventNameOf } from './metered-sse-connection.ts'

describe('event names of SSE frames', () => {
  it('reads the event name wherever the event line is', () => {
    expect(eventNameOf(formatSseMessage({ event: 'progress', id: 3, data: '{"a":1}' }))).toBe('progress')
    expect(eventNameOf(formatSseMessage({ event: 'heartbeat', data: '{}' }))).toBe('heartbeat')
    expect(eventNameOf(formatSseMessage({ retry: 2000 }))).toBe('retry')
    expect(eventNameOf(formatSseMessage({ data: 'x' }))).toBe('message')
    expect(eventNameOf('event: timeout')).toBe('timeout')
  })
})
