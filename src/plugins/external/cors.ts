/**
 * CORS for the API and the event stream. EventSource and fetch can only read the headers a
 * server exposes, so `Location`, `Last-Event-ID` and `X-Job-Id` are exposed explicitly (the old
 * system's progress bar stayed blank because they were not).
 */
import cors from '@fastify/cors'
import fp from 'fastify-plugin'
import { invalidPreflight } from '../../errors.ts'

const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/

export default fp(async function corsPlugin (app) {
  const { corsOrigins, NODE_ENV } = app.config
  // OPTIONS is only ever a preflight here. @fastify/cors's own check (`strictPreflight`) answers
  // a bare OPTIONS in plain text; this one, ahead of it, answers in the error catalogue's JSON.
  app.addHook('onRequest', async request => {
    if (request.method === 'OPTIONS' && (!request.headers.origin || !request.headers['access-control-request-method'])) throw invalidPreflight()
  })
  await app.register(cors, {
    strictPreflight: false,
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
