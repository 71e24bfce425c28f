/**
 * Security headers on every response (`@fastify/helmet`). The Content-Security-Policy is the
 * strict one the web page is written for — same origin only, no inline script or style — so
 * every HTML document this server sends, the page and Swagger UI at /docs included, runs under
 * it. `Referrer-Policy: no-referrer` also keeps `?token=` links out of other sites' logs.
 */
import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"]
}

export default fp(async function helmetPlugin (app) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Matches `frame-ancestors 'none'` for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' }
  })
}, { name: 'helmet' })
