/**
 * Security headers on every response (`helmet`). The Content-Security-Policy is the strict one
 * the web page is written for — same origin only, no inline script or style — so every HTML
 * document this server sends, the page and Swagger UI at /docs included, runs under it.
 * `Referrer-Policy: no-referrer` also keeps `?token=` links out of other sites' logs.
 *
 * helmet itself, not `@fastify/helmet`: the Fastify plugin builds helmet's middleware anew on
 * every request (re-parsing the policy) and adds a second hook for per-route options and CSP
 * nonces, none of which this server uses. Built once, the headers are the same.
 */
import fp from 'fastify-plugin'
import helmet from 'helmet'

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
  const setSecurityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Matches `frame-ancestors 'none'` for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' }
  })
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request.raw, reply.raw, error => { done(error as Error | undefined) })
  })
}, { name: 'helmet' })
