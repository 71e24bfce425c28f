import { describe, expect, it } from 'vitest'
import { jobOutlivesToken } from './link-token-life.ts'

describe('link tokens outlived by their job', () => {
  const now = Date.parse('2025-03-01T12:00:00Z')

  it('honours a token while the job is queued or running, however long ago it was issued', () => {
    expect(jobOutlivesToken({ status: 'queued', finishedAt: null }, 60, now)).toBe(true)
    expect(jobOutlivesToken({ status: 'running', finishedAt: null }, 60, now)).toBe(true)
  })

  it('honours it for JOB_TTL_SECONDS after the job finished, then no longer', () => {
    for (const status of ['completed', 'failed', 'cancelled', 'interrupted'] as const) {
      expect(jobOutlivesToken({ status, finishedAt: '2025-03-01T11:59:01Z' }, 60, now)).toBe(true)
      expect(jobOutlivesToken({ status, finishedAt: '2025-03-01T11:59:00Z' }, 60, now)).toBe(false)
      expect(jobOutlivesToken({ status, finishedAt: '2025-03-01T10:00:00Z' }, 60, now)).toBe(false)
    }
  })

  it('refuses a finished job without a finish time', () => {
    expect(jobOutlivesToken({ status: 'completed', finishedAt: null }, 60, now)).toBe(false)
  })
})
