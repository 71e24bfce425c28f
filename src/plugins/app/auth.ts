/**
 * Access to `/api` (CONTRACT.md "Access"). With API_KEYS unset nothing is checked: job ids,
 * random UUIDs, are the capability. With keys set, every /api request needs
 * `Authorization: Bearer <key>`; routes that declare `config.jobToken` (the stream, result and
 * PDF) also accept the job's signed `?token=`, because an EventSource cannot send headers.
 * A token stays good while its job runs and for JOB_TTL_SECONDS after it finished, so a stream
 * the server ends resumes by the same URL (security/link-token-life.ts).
 * The check runs in `onRequest`, before any upload byte is read. `/health`, `/ready`,
 * `/metrics`, `/docs` and the web page stay open.
 */
import fp from 'fastify-plugin'
import { canonicalJobId } from '../../jobs/job-id.ts'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.ts'
import { bearerToken, createApiKeyMatcher } from '../../security/api-keys.ts'
import { createJobTokens } from '../../security/job-tokens.ts'
import { jobOutlivesToken } from '../../security/link-token-life.ts'

export interface AccessControl {
  /** True when API keys are configured. */
  readonly keysRequired: boolean
  /** The link token for a job when keys are required; undefined when links need none. */
  linkToken: (jobId: string) => string | undefined
}

declare module 'fastify' {
  interface FastifyInstance { access: AccessControl }
  interface FastifyContextConfig {
    /** The route also accepts the job's signed link token (`?token=`), scoped to `params.id`. */
    jobToken?: boolean
  }
}

const unauthorized = (code: string, message: string) => new AppError(code, 401, message)

/** The matched route's path, so percent-encoded or trailing-slash variants cannot slip past. */
const isApiRequest = (request: FastifyRequest) => {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? ''
  return path === '/api' || path.startsWith('/api/')
}

export default fp(async function authPlugin (app) {
  const { apiKeys, TOKEN_SECRET, TOKEN_TTL_SECONDS, JOB_TTL_SECONDS } = app.config
  const keysRequired = apiKeys.length > 0
  const tokens = createJobTokens({ secret: TOKEN_SECRET, ttlSeconds: TOKEN_TTL_SECONDS })
  const isKnownKey = createApiKeyMatcher(apiKeys)

  app.decorate('access', {
    keysRequired,
    linkToken: (jobId: string) => keysRequired ? tokens.sign(jobId) : undefined
  })
  if (!keysRequired) return

  /** A signed token past its own expiry still opens a job that is running or recently finished (link-token-life.ts). */
  async function isOutlivedByJob (jobId: string): Promise<boolean> {
    const lookup = await app.jobs.peek(jobId)
    return lookup.state === 'found' && jobOutlivesToken(lookup.job, JOB_TTL_SECONDS)
  }

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || !isApiRequest(request)) return
    const header = request.headers.authorization
    if (header !== undefined) {
      const key = bearerToken(header)
      if (key !== undefined && isKnownKey(key)) return
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      throw key === undefined
        ? unauthorized('invalid_authorization', 'Send the API key as "Authorization: Bearer <key>".')
        : unauthorized('invalid_api_key', 'This API key is not valid. Check the key you were given.')
    }

    const token = (request.query as Record<string, unknown> | undefined)?.token
    if (request.routeOptions.config.jobToken && typeof token === 'string') {
      // Route params are canonicalised later (preValidation); tokens are signed for the canonical id.
      const rawId = (request.params as Record<string, unknown> | undefined)?.id
      const jobId = typeof rawId === 'string' ? canonicalJobId(rawId) : undefined
      const check = jobId !== undefined ? tokens.verify(token, jobId) : 'invalid'
      if (check === 'valid') return
      if (check === 'expired' && typeof jobId === 'string' && await isOutlivedByJob(jobId)) return
      throw check === 'expired'
        ? unauthorized('token_expired', 'This link has expired. Fetch the job with your API key (GET /api/jobs/{id}) for fresh links.')
        : unauthorized('invalid_token', 'This link\'s token is not valid for this job.')
    }

    reply.header('www-authenticate', 'Bearer')
    throw unauthorized('api_key_required', 'This API needs an API key: send "Authorization: Bearer <key>". Stream, result and PDF links from an upload reply carry their own token.')
  })
}, { name: 'auth', dependencies: ['config'] })
