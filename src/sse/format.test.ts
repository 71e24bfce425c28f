import { describe, expect, it } from 'vitest'
import { formatSseMessage } from './format.ts'

describe('formatSseMessage', () => {
  it('frames a named event with an id and JSON data', () => {
    expect(formatSseMessage({ event: 'progress', id: 3, data: '{"percent":15}' }))
      .toBe('id: 3\nevent: progress\ndata: {"percent":15}\n\n')
  })

  it('keeps id 0', () => {
    expect(formatSseMessage({ id: 0, data: 'x' })).toBe('id: 0\ndata: x\n\n')
  })

  it('removes CR, LF and NUL from event names and ids so they cannot inject fields', () => {
    const frame = formatSseMessage({ event: 'progress\r\nevent: complete', id: '7\n\0data: evil', data: 'ok' })
    expect(frame).toBe('id: 7data: evil\nevent: progressevent: complete\ndata: ok\n\n')
    expect(frame.split('\n').filter(line => line.startsWith('event:'))).toHaveLength(1)
  })

  it('sends multi-line data as several data lines, whatever the line ending', () => {
    expect(formatSseMessage({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n')
  })

  it('sends the retry hint as a whole number', () => {
    expect(formatSseMessage({ retry: 2500.7 })).toBe('retry: 2500\n\n')
  })
})
