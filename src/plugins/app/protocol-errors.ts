/**
 * The answers given before any route runs, in the same `{ error, message }` shape and catalogue
 * as every other error (errors.ts):
 * - Node's HTTP parser refusing a request (unknown method, broken framing, a head over 16 KiB,
 *   a head or body that did not arrive in time): Fastify's `clientErrorHandler`, written
 *   straight to the socket since there is no request object yet;
 * - Fastify's router refusing a URL (a broken percent-escape, a path segment over 100
 *   characters): `frameworkErrors`;
 * - `CONNECT` and unsupported `Expect` values, which Node would otherwise answer with no body
 *   or not at all, and an HTTP/1.1 request without `Host`, which Node answers with an empty 400
 *   unless it is left to us (`requireHostHeader: false` in security/http-limits.ts).
 * Fastify's own defaults answer these with `{"error":"Bad Request","message":"Client Error"}`
 * or plain text.
 */
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import {
  type AppError, connectNotSupported, expectationFailed, fromFrameworkError, headersTooLarge, internalError, invalidContentLength,
  invalidUrl, malformedRequest, missingHost, requestTimeout, unknownMethod
} from '../../errors.ts'
import { errorBody } from './error-handler.ts'

/** What llhttp's error codes mean for the person who sent the request; the rest is "malformed". */
function parserError (code: string | undefined): AppError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW': return headersTooLarge()
    case 'ERR_HTTP_REQUEST_TIMEOUT': return requestTimeout()
    case 'HPE_INVALID_METHOD': return unknownMethod()
    case 'HPE_INVALID_URL': return invalidUrl()
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH': return invalidContentLength()
    case 'HPE_INVALID_TRANSFER_ENCODING': return malformedRequest('Transfer-Encoding must end with "chunked", and not come with a Content-Length')
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_STRICT':
    case 'HPE_INVALID_EOF_STATE': return malformedRequest('the chunked body is broken')
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED': return malformedRequest('a header line is not "Name: value" with printable characters, each line ending in CRLF')
    case 'HPE_INVALID_VERSION': return malformedRequest('the request line must end in HTTP/1.1 or HTTP/1.0')
    case 'HPE_PAUSED_H2_UPGRADE': return malformedRequest('HTTP/2 is not spoken here without TLS; use HTTP/1.1')
    default: return malformedRequest('the request line or headers could not be parsed')
  }
}

const rawAnswer = (error: AppError) => {
  const body = JSON.stringify(errorBody(error))
  return `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ''}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' + body
}

function clientErrorHandler (this: FastifyInstance, error: Error & { code?: string }, socket: Duplex) {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = parserError(error.code)
  this.log.debug({ code: error.code, status: answer.statusCode }, 'refused a request the HTTP parser could not accept')
  // As Node's own handler: never write into the middle of a response already going out.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (socket.writable && !inFlight?.headersSent) socket.end(rawAnswer(answer))
  socket.destroy()
}

/** Options for `Fastify()`: the answers of the layers below the routes. */
export function protocolErrorOptions (config: Config): Pick<FastifyServerOptions, 'clientErrorHandler' | 'frameworkErrors'> {
  const limits = { maxUploadBytes: config.MAX_UPLOAD_BYTES }
  return {
    clientErrorHandler,
    frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const answer = fromFrameworkError(error, limits) ?? internalError()
      if (answer.statusCode >= 500) request.log.error({ err: error }, 'router failed')
      reply.status(answer.statusCode).send(errorBody(answer))
    }
  }
}

export default fp(async function protocolErrors (app) {
  app.server.on('connect', (_request, socket: Duplex) => {
    socket.on('error', () => socket.destroy())
    socket.end(rawAnswer(connectNotSupported()))
  })
  app.server.on('checkExpectation', (_request, response) => {
    const body = JSON.stringify(errorBody(expectationFailed()))
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close', 'x-content-type-options': 'nosniff' })
    response.end(body)
  })
  app.addHook('onRequest', async request => {
    if (request.raw.httpVersion === '1.1' && !request.headers.host) throw missingHost()
  })
}, { name: 'protocol-errors', dependencies: ['error-handler'] })
