/**
 * pino settings: structured JSON, request ids, and redaction of anything that could carry a
 * credential. File contents and extracted personal data are never passed to the logger at all.
 */
import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.ts'
import { serializeRequest } from './security/request-log.ts'

export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.token', 'headers.authorization', '*.private_key', '*.client_secret', '*.access_token', '*.token'],
      censor: '[redacted]'
    },
    // Masks a job link's `?token=` in the logged URL.
    serializers: { req: serializeRequest }
  }
}

/** The logger type every module takes: Fastify's logger in the API, plain pino in workers. */
export type { FastifyBaseLogger as Logger } from 'fastify'
