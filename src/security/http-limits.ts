/**
 * The HTTP server's connection limits, from config. Node's defaults suit neither side of this
 * service: Fastify disables the whole-request timeout (a trickled upload could hold a socket
 * forever) and Node checks header deadlines only every 30 s (slowloris sockets linger).
 */
import type { ServerOptions } from 'node:http'
import type { Config } from '../config.ts'

export interface HttpLimits {
  connectionTimeout: number
  requestTimeout: number
  http: ServerOptions
}

export function httpLimits (config: Config): HttpLimits {
  const headersTimeout = config.HEADERS_TIMEOUT_SECONDS * 1000
  const requestTimeout = Math.max(config.REQUEST_TIMEOUT_SECONDS * 1000, headersTimeout)
  return {
    // Closes sockets silent in both directions (a stalled upload); event streams write heartbeats.
    connectionTimeout: config.IDLE_TIMEOUT_SECONDS * 1000,
    requestTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      // How often Node enforces the two deadlines above.
      connectionsCheckingInterval: Math.min(5000, Math.max(250, Math.floor(headersTimeout / 4))),
      // Node answers a missing Host with an empty 400; plugins/app/protocol-errors.ts answers it in JSON.
      requireHostHeader: false
    }
  }
}
