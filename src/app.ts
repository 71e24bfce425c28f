/**
 * Builds the stagecast application without listening: plugins first (config, errors, security
 * headers, CORS, access, load shedding, rate limits, uploads, open streams, the job system,
 * metrics, API docs), then the routes and the web page. Tests call `buildApp` and use
 * `inject` or `listen({ port: 0 })`; `server.ts` only starts it.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.ts'
import type { AnyPipeline } from './jobs/pipeline.ts'
import { loggerOptions } from './logger.ts'
import authPlugin from './plugins/app/auth.ts'
import configPlugin from './plugins/app/config.ts'
import errorHandler from './plugins/app/error-handler.ts'
import jobIdsPlugin from './plugins/app/job-ids.ts'
import jobsPlugin from './plugins/app/jobs.ts'
import metricsPlugin from './plugins/app/metrics.ts'
import protocolErrors, { protocolErrorOptions } from './plugins/app/protocol-errors.ts'
import streamsPlugin from './plugins/app/streams.ts'
import uploadAdmission from './plugins/app/upload-admission.ts'
import corsPlugin from './plugins/external/cors.ts'
import helmetPlugin from './plugins/external/helmet.ts'
import multipartPlugin from './plugins/external/multipart.ts'
import rateLimitPlugin from './plugins/external/rate-limit.ts'
import swaggerPlugin from './plugins/external/swagger.ts'
import underPressurePlugin from './plugins/external/under-pressure.ts'
import { createPipelines } from './pipelines/index.ts'
import healthRoutes from './routes/health/index.ts'
import jobRoutes from './routes/jobs/index.ts'
import progressRoutes from './routes/progress/index.ts'
import webRoutes from './routes/web/index.ts'
import { httpLimits } from './security/http-limits.ts'

export interface BuildOptions {
  /** Replaces the shipped pipelines (tests run the machinery with small pipelines of their own). */
  pipelines?: readonly AnyPipeline[]
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    // Our own shutdown answers uploads with 503 and drops new streams so EventSource retries;
    // Fastify's blanket 503 would make EventSource give up for good.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    trustProxy: config.trustProxy,
    ...httpLimits(config),
    ...protocolErrorOptions(config),
    routerOptions: { ignoreTrailingSlash: true }
  })

  const shipped = options.pipelines ? undefined : await createPipelines(config, app.log)
  if (shipped) app.addHook('onClose', shipped.close)

  await app.register(configPlugin, { config })
  await app.register(errorHandler)
  await app.register(protocolErrors)
  await app.register(helmetPlugin)
  await app.register(corsPlugin)
  await app.register(authPlugin)
  await app.register(underPressurePlugin)
  await app.register(rateLimitPlugin)
  await app.register(swaggerPlugin)
  await app.register(multipartPlugin)
  await app.register(streamsPlugin)
  await app.register(jobIdsPlugin)
  await app.register(jobsPlugin, { pipelines: options.pipelines ?? shipped?.pipelines ?? [] })
  await app.register(uploadAdmission)
  await app.register(metricsPlugin)

  await app.register(healthRoutes)
  await app.register(jobRoutes, { prefix: '/api/jobs' })
  await app.register(progressRoutes, { prefix: '/api/progress' })
  await app.register(webRoutes)
  return app
}
