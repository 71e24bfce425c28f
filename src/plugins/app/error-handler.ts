/**
 * Every error leaves as `{ error, message }` with the right status: our AppErrors as they are,
 * schema validation as 400, Fastify's and plugins' client errors with their own status and code.
 * Server errors are logged with their stack and answered with a generic message.
 */
import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { AppError } from '../../errors.ts'

/** `FST_REQ_FILE_TOO_LARGE` → `req_file_too_large`: stable, readable codes for plugin errors. */
const codeOf = (error: FastifyError) => (error.code ?? 'bad_request').replace(/^FST_(ERR_)?/, '').toLowerCase()

const friendlyMessages: Record<string, string> = {
  FST_REQ_FILE_TOO_LARGE: 'The file is larger than the upload limit (MAX_UPLOAD_BYTES).',
  FST_FILES_LIMIT: 'Too many files in one upload (MAX_FILES).',
  FST_PARTS_LIMIT: 'Too many parts in one upload.',
  FST_FIELDS_LIMIT: 'Too many form fields in one upload.',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'Send the upload as multipart/form-data with the file in a field named "file".',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not accepted here; uploads are multipart/form-data.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_MP_PREMATURE_CLOSE: 'The upload was interrupted before it finished; send it again.'
}

/** busboy (under @fastify/multipart) throws plain Errors, without a status, for a body that is not valid multipart. */
const MALFORMED_MULTIPART = /Unexpected end of (multipart data|form)|terminated early due to unexpected end|Boundary (not found|required)|Malformed part header/

export default fp(async function errorHandler (app) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.statusCode).send({ error: error.code, message: error.message, ...error.details })
    }
    if (error.validation) {
      return reply.status(400).send({ error: 'invalid_request', message: `Invalid request: ${error.message}` })
    }
    if (error.code === 'ECONNRESET' && request.raw.destroyed) {
      // The client went away mid-upload (closed tab, dropped network): nobody is there to answer,
      // and it is not a server fault, so it is not logged as one.
      request.log.info({ reason: error.message }, 'client closed the connection before the request was read')
      return reply.status(400).send({ error: 'upload_aborted', message: 'The connection closed before the upload finished; send it again.' })
    }
    if (error.statusCode === undefined && MALFORMED_MULTIPART.test(error.message)) {
      return reply.status(400).send({ error: 'malformed_multipart', message: `The upload is not valid multipart/form-data (${error.message}); send it again as a form with the file in a field named "file".` })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return reply.status(status === 406 ? 415 : status).send({ error: codeOf(error), message: friendlyMessages[error.code] ?? error.message })
    }
    request.log.error({ err: error }, 'request failed')
    return reply.status(status >= 500 ? status : 500).send({ error: 'internal_error', message: 'Something went wrong on the server. It has been logged; please try again.' })
  })

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'route_not_found', message: `There is no ${request.method} ${request.url.split('?')[0]} route. See /docs for the API.` })
  })
}, { name: 'error-handler' })
