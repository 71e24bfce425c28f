import { describe, expect, it } from 'vitest'
import { maskUrlCredentials } from './request-log.ts'

describe('request log URLs', () => {
  it('masks the value of a token query parameter, however its name is written', () => {
    expect(maskUrlCredentials('/api/progress/abc?token=s3cret.sig')).toBe('/api/progress/abc?token=[redacted]')
    expect(maskUrlCredentials('/api/progress/abc?lastEventId=4&token=s3cret&x=1')).toBe('/api/progress/abc?lastEventId=4&token=[redacted]&x=1')
    expect(maskUrlCredentials('/a?%74oken=s3cret')).toBe('/a?%74oken=[redacted]')
    expect(maskUrlCredentials('/a?TOKEN=s3cret&token=again')).toBe('/a?TOKEN=[redacted]&token=[redacted]')
    expect(maskUrlCredentials('/a?%zz=1&token=s')).toBe('/a?%zz=1&token=[redacted]')
  })

  it('leaves URLs without a token alone', () => {
    expect(maskUrlCredentials('/api/jobs/abc')).toBe('/api/jobs/abc')
    expect(maskUrlCredentials('/api/jobs?status=running&limit=5')).toBe('/api/jobs?status=running&limit=5')
    expect(maskUrlCredentials('/api/jobs?tokens=1&mytoken=2')).toBe('/api/jobs?tokens=1&mytoken=2')
  })
})
