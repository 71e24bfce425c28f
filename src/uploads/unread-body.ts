/**
 * An upload refused part-way (a file type no pipeline reads, seen on its first bytes; a part over
 * a limit) is answered while the rest of its body is still coming. Nothing reads that rest any
 * more, so the connection would stall: the answer says `Connection: close`, then the rest is read
 * and thrown away for LINGER_MS so that the client can read the answer, and the connection is
 * closed. (A body never started is drained by Node itself.)
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

const LINGER_MS = 2000

export function closeAfterAnswer (request: FastifyRequest, reply: FastifyReply): void {
  const body = request.raw
  if (body.complete || body.destroyed) return
  reply.header('connection', 'close')
  reply.raw.once('finish', () => {
    body.resume()
    // Destroying the request closes its connection (and is all an injected request has).
    setTimeout(() => { if (!body.complete) body.destroy() }, LINGER_MS).unref()
  })
}
