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
import type { IncomingMessage, ServerResponse } from 'node:http'
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
  const headers = securityHeaders()
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value)
    done()
  })
}, { name: 'helmet' })

/**
 * The headers helmet sets, collected once: with no nonces and no per-request options they are
 * the same on every response, so running helmet's dozen middlewares per request buys nothing.
 */
function securityHeaders (): Array<[string, string]> {
  const setSecurityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Matches `frame-ancestors 'none'` for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' }
  })
  const headers: Array<[string, string]> = []
  const response = {
    setHeader (name: string, value: string) { headers.push([name, value]) },
    removeHeader () {}
  }
  let failure: unknown
  setSecurityHeaders({} as IncomingMessage, response as unknown as ServerResponse, error => { failure = error })
  if (failure !== undefined) throw failure
  return headers
}
