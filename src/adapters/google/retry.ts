/**
 * Retries a Google API call on rate limiting (429) and server errors (5xx) or a dropped
 * connection, with exponential backoff and full jitter, honouring `Retry-After`. Anything else
 * (400, 403, 404) fails at once: trying again would not change the answer.
 */
import { setTimeout as sleep } from 'node:timers/promises'

export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 }

export async function withRetry<T> (call: () => Promise<T>, options: { policy: RetryPolicy, signal: AbortSignal, onRetry?: (error: unknown, attempt: number, delayMs: number) => void }): Promise<T> {
  const { policy, signal } = options
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    try {
      return await call()
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      const delayMs = Math.max(retryAfterMs(error) ?? 0, Math.round(Math.random() * backoff))
      options.onRetry?.(error, attempt, delayMs)
      await sleep(delayMs, undefined, { signal })
    }
  }
}

// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (rate limited), INTERNAL, UNAVAILABLE.
const GRPC_TRANSIENT = new Set([4, 8, 13, 14])

export function statusOf (error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const candidate = error as { status?: unknown, code?: unknown, response?: { status?: unknown } }
  for (const value of [candidate.response?.status, candidate.status, candidate.code]) {
    if (typeof value === 'number' && value >= 100 && value < 600) return value
  }
  return undefined
}

function isRetryable (error: unknown): boolean {
  const status = statusOf(error)
  if (status !== undefined) return status === 429 || status === 408 || status >= 500
  // No HTTP status: the connection failed (reset, refused, timed out); gRPC status codes come from Vision.
  const code = (error as { code?: unknown } | null)?.code
  return (typeof code === 'number' && GRPC_TRANSIENT.has(code)) || (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_\w+)$/.test(code)) ||
    (error instanceof TypeError && /fetch failed/i.test(error.message))
}

function retryAfterMs (error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | null)?.response?.headers
  const value = headers instanceof Headers
    ? headers.get('retry-after')
    : (headers as Record<string, string | undefined> | undefined)?.['retry-after']
  if (!value) return undefined
  const seconds = Number(value)
  return Number.isFinite(seconds) ? Math.min(seconds * 1000, 60_000) : undefined
}
