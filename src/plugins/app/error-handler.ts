/**
 * Every error leaves as `{ error, message }` with the right status and a code from the catalogue
 * in errors.ts: our AppErrors as they are, schema validation as 400, Fastify's and plugins'
 * client errors mapped by their code, unmatched routes as 404. Server errors are logged with
 * their stack and answered with a generic message. What Node's HTTP parser and Fastify's router
 * refuse before a route is found is answered in protocol-errors.ts, the same way.
 */
import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { AppError, fromFrameworkError, internalError, invalidRequest, malformedMultipart, routeNotFound, uploadAborted } from '../../errors.ts'

/** busboy (under @fastify/multipart) throws plain Errors, without a status, for a body that is not valid multipart. */
const MALFORMED_MULTIPART = /Unexpected end of (multipart data|form)|terminated early due to unexpected end|Boundary (not found|required)|Malformed part header/

export const errorBody = (error: AppError) => ({ error: error.code, message: error.message, ...error.details })

export default fp(async function errorHandler (app) {
  const limits = { maxUploadBytes: app.config.MAX_UPLOAD_BYTES }

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.status(error.statusCode).send(errorBody(error))
    if (error.validation) return reply.status(400).send(errorBody(invalidRequest(error.message)))
    if (error.code === 'ECONNRESET' && request.raw.destroyed) {
      // The client went away mid-upload (closed tab, dropped network): nobody is there to answer,
      // and it is not a server fault, so it is not logged as one.
      request.log.info({ reason: error.message }, 'client closed the connection before the request was read')
      return reply.status(400).send(errorBody(uploadAborted()))
    }
    if (error.statusCode === undefined && MALFORMED_MULTIPART.test(error.message)) {
      return reply.status(400).send(errorBody(malformedMultipart(error.message)))
    }
    const clientError = fromFrameworkError(error, limits)
    if (clientError) return reply.status(clientError.statusCode).send(errorBody(clientError))
    request.log.error({ err: error }, 'request failed')
    const status = error.statusCode !== undefined && error.statusCode >= 500 ? error.statusCode : 500
    return reply.status(status).send(errorBody(internalError()))
  })

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody(routeNotFound(request.method, request.url.split('?')[0] ?? '/')))
  })
}, { name: 'error-handler', dependencies: ['config'] })
