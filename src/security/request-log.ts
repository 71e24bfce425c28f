/**
 * What a request log line says about the request. Fastify's default logs the full URL, and a
 * stream, result or PDF URL may carry a job token in `?token=`: here it is masked. Headers are
 * not logged at all, so neither the Authorization header nor cookies can reach the logs.
 */
import type { FastifyRequest } from 'fastify'

const SECRET_PARAMETERS = new Set(['token'])

/** The URL with the value of every `token` query parameter replaced, however its name is encoded. */
export function maskUrlCredentials (url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return url
  const pairs = url.slice(queryStart + 1).split('&').map(pair => {
    const [name = '', ...value] = pair.split('=')
    return SECRET_PARAMETERS.has(decodeName(name)) && value.length > 0 ? `${name}=[redacted]` : pair
  })
  return `${url.slice(0, queryStart)}?${pairs.join('&')}`
}

function decodeName (name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase()
  } catch {
    return name.toLowerCase()
  }
}

export function serializeRequest (request: FastifyRequest) {
  return {
    method: request.method,
    url: maskUrlCredentials(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}
