/**
 * Short-lived tokens that let a URL open one job's stream, result or PDF when API keys are on
 * (an EventSource cannot send an Authorization header). A token is `<expiry>.<signature>`: the
 * expiry in base-36 Unix seconds and an HMAC-SHA256 over the job id and that expiry. It names
 * no key and grants nothing beyond reading that one job until it expires.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export type TokenCheck = 'valid' | 'expired' | 'invalid'

export interface JobTokens {
  /** A token for `jobId`, valid for the configured lifetime from now. */
  sign: (jobId: string) => string
  verify: (token: string, jobId: string) => TokenCheck
}

export interface JobTokenOptions {
  /** Empty: a random secret for this process (tokens then stop working after a restart). */
  secret: string
  ttlSeconds: number
  now?: () => number
}

const TOKEN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/

export function createJobTokens ({ secret, ttlSeconds, now = Date.now }: JobTokenOptions): JobTokens {
  const key = secret === '' ? randomBytes(32) : Buffer.from(secret, 'utf8')
  const signature = (jobId: string, expiresAt: number) =>
    createHmac('sha256', key).update(`stagecast-job-token:v1:${jobId}:${expiresAt}`).digest()

  return {
    sign (jobId) {
      const expiresAt = Math.floor(now() / 1000) + ttlSeconds
      return `${expiresAt.toString(36)}.${signature(jobId, expiresAt).toString('base64url')}`
    },

    verify (token, jobId) {
      const match = TOKEN.exec(token)
      if (!match?.[1] || !match[2]) return 'invalid'
      const expiresAt = parseInt(match[1], 36)
      const presented = Buffer.from(match[2], 'base64url')
      const expected = signature(jobId, expiresAt)
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'invalid'
      return expiresAt * 1000 > now() ? 'valid' : 'expired'
    }
  }
}
