/**
 * Serves the web page at `/` and its assets under `/assets/`, straight from `src/web` (no build
 * step). The charting library is served from its npm package's prebuilt UMD file, resolved in
 * `node_modules`, so nothing npm provides is copied into git and the page works offline.
 *
 * The page is sent with its own strict Content-Security-Policy (no inline script or style, no
 * other origin): the page is written to need nothing more, and the browser tests fail on any
 * violation, so a later app-wide helmet default policy cannot break it.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const webRoot = join(import.meta.dirname, '..', '..', 'web')
const chartJsDist = dirname(fileURLToPath(import.meta.resolve('chart.js')))

/** The only files of the vendor folder the page needs (the map is for developers' tools). */
const vendorFiles = new Set(['chart.umd.min.js', 'chart.umd.min.js.map'])

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

export default async function webRoutes (app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: join(webRoot, 'assets'),
    prefix: '/assets/',
    index: false,
    // Assets change with every deploy and have no hashed names: revalidate by ETag each time.
    maxAge: 0
  })

  app.get('/', { schema: { hide: true } }, (_request, reply) => {
    return reply.header('content-security-policy', PAGE_CSP).sendFile('index.html', webRoot)
  })

  app.get<{ Params: { file: string } }>('/assets/vendor/:file', { schema: { hide: true } }, (request, reply) => {
    const { file } = request.params
    if (!vendorFiles.has(file)) return reply.code(404).send({ error: 'not_found', message: `No vendor asset named ${file}.` })
    return reply.header('cache-control', 'public, max-age=86400').sendFile(file, chartJsDist)
  })
}
