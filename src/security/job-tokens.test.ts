import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createJobTokens } from './job-tokens.ts'

const secret = 'a-test-secret-that-is-long-enough-0123456789'

describe('job link tokens', () => {
  it('verifies a token for its own job only', () => {
    const tokens = createJobTokens({ secret, ttlSeconds: 60 })
    const jobId = randomUUID()
    const token = tokens.sign(jobId)
    expect(token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/)
    expect(tokens.verify(token, jobId)).toBe('valid')
    expect(tokens.verify(token, randomUUID())).toBe('invalid')
  })

  it('expires after its lifetime', () => {
    let now = Date.parse('2025-03-01T10:00:00Z')
    const tokens = createJobTokens({ secret, ttlSeconds: 60, now: () => now })
    const jobId = randomUUID()
    const token = tokens.sign(jobId)
    now += 59_000
    expect(tokens.verify(token, jobId)).toBe('valid')
    now += 1000
    expect(tokens.verify(token, jobId)).toBe('expired')
  })

  it('refuses a token whose expiry or signature was changed', () => {
    const tokens = createJobTokens({ secret, ttlSeconds: 60 })
    const jobId = randomUUID()
    const [expiry = '', signature = ''] = tokens.sign(jobId).split('.')
    const later = (parseInt(expiry, 36) + 3600).toString(36)
    expect(tokens.verify(`${later}.${signature}`, jobId)).toBe('invalid')
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)
    expect(tokens.verify(`${expiry}.${flipped}`, jobId)).toBe('invalid')
    for (const garbage of ['', '.', 'abc', `${expiry}.`, `.${signature}`, `${expiry}.${signature}.x`, `${expiry}.${signature}=`]) {
      expect(tokens.verify(garbage, jobId)).toBe('invalid')
    }
  })

  it('ties tokens to the secret: another secret, or a random one per process, refuses them', () => {
    const jobId = randomUUID()
    const token = createJobTokens({ secret, ttlSeconds: 60 }).sign(jobId)
    expect(createJobTokens({ secret: `${secret}!`, ttlSeconds: 60 }).verify(token, jobId)).toBe('invalid')
    expect(createJobTokens({ secret, ttlSeconds: 60 }).verify(token, jobId)).toBe('valid')
    const random = createJobTokens({ secret: '', ttlSeconds: 60 })
    expect(random.verify(random.sign(jobId), jobId)).toBe('valid')
    expect(createJobTokens({ secret: '', ttlSeconds: 60 }).verify(random.sign(jobId), jobId)).toBe('invalid')
  })
})
