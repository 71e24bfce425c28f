/**
 * Per-client rate limits (`@fastify/rate-limit`). Nothing is limited globally: a route opts in
 * with `config: { rateLimit: uploadRateLimit(app) }`. Uploads are limited because each one
 * costs disk and a pipeline run; reads are cheap, and event streams must never get a 429,
 * which would stop an EventSource for good. Clients are told apart by IP address (behind a
 * proxy, see TRUST_PROXY).
 */
import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../errors.ts'

export default fp(async function rateLimitPlugin (app) {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new AppError(
      'rate_limited', context.statusCode,
      `Too many uploads from this client: at most ${context.max} per minute. Try again in ${context.after}.`
    )
  })
}, { name: 'rate-limit', dependencies: ['config'] })

/** The upload route's limit, or `false` when RATE_LIMIT_UPLOADS_PER_MINUTE is 0. */
export function uploadRateLimit (app: FastifyInstance) {
  const max = app.config.RATE_LIMIT_UPLOADS_PER_MINUTE
  return max > 0 ? { max, timeWindow: 60_000 } : false
}
