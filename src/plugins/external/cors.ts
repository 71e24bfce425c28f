/**
 * CORS for the API and the event stream. EventSource and fetch can only read the headers a
 * server exposes, so `Location`, `Last-Event-ID` and `X-Job-Id` are exposed explicitly (the old
 * system's progress bar stayed blank because they were not).
 */
import cors from '@fastify/cors'
import fp from 'fastify-plugin'

const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/

export default fp(async function corsPlugin (app) {
  const { corsOrigins, NODE_ENV } = app.config
  await app.register(cors, {
    origin (origin, callback) {
      // Same-origin requests and curl send no Origin header: nothing to allow or deny.
      if (!origin) return callback(null, true)
      const allowed = corsOrigins.includes('*') || corsOrigins.includes(origin) || (NODE_ENV === 'development' && LOCALHOST.test(origin))
      callback(null, allowed)
    },
    methods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID', 'X-Job-Id'],
    exposedHeaders: ['Content-Type', 'Location', 'Last-Event-ID', 'X-Job-Id'],
    maxAge: 600
  })
}, { name: 'cors' })
