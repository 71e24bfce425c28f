/**
 * Tracks every open event stream so shutdown can end them in `preClose`: clients then reconnect
 * (to another instance, or to this one when it is back) and resume from their Last-Event-ID,
 * instead of holding the server open until the grace period runs out.
 */
import fp from 'fastify-plugin'
import type { SseConnection } from '../../sse/connection.ts'

export interface StreamRegistry {
  readonly open: ReadonlySet<SseConnection>
  add: (connection: SseConnection) => void
  /** True once shutdown has begun: new streams are refused so clients go elsewhere. */
  readonly closing: boolean
}

declare module 'fastify' {
  interface FastifyInstance { streams: StreamRegistry }
}

export default fp(async function streamsPlugin (app) {
  const open = new Set<SseConnection>()
  let closing = false
  app.decorate('streams', {
    open,
    add (connection: SseConnection) {
      open.add(connection)
      connection.onClose(() => open.delete(connection))
    },
    get closing () { return closing }
  })
  let reaper: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => {
    closing = true
    for (const connection of open) connection.end()
    // Node closes the connections that are idle at the moment the server closes; a stream we
    // just ended, or a client's last request, becomes idle a moment later and would hold the
    // shutdown open until its keep-alive timeout. Keep reaping until the server has closed.
    reaper = setInterval(() => app.server.closeIdleConnections(), 50)
  })
  app.addHook('onClose', async () => { clearInterval(reaper) })
}, { name: 'streams' })
