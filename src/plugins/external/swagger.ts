/**
 * The OpenAPI 3.1 document (`@fastify/swagger`), generated from the route schemas, served as
 * JSON at /docs/json and browsable with Swagger UI at /docs. What route schemas cannot say is
 * added to the generated document in `completeOpenApiDocument`: the multipart upload body, the
 * event stream's events, an example for every response, and the security requirements in force.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import pkg from '../../../package.json' with { type: 'json' }
import { completeOpenApiDocument, describeRouteAccess } from './swagger-docs.ts'

export default fp(async function swaggerPlugin (app) {
  const keysRequired = app.access.keysRequired
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'stagecast',
        version: pkg.version,
        description: 'Upload a file, watch it being processed live over Server-Sent Events, get the result. ' +
          'Errors are `{ "error": code, "message": text }`. See CONTRACT.md for the full contract.'
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'One of the API_KEYS, when the server sets them; every /api route then needs it.'
          },
          jobToken: {
            type: 'apiKey',
            in: 'query',
            name: 'token',
            description: 'The token carried by the upload reply\'s `links`. Opens one job\'s stream, result and PDF (EventSource cannot send headers) for TOKEN_TTL_SECONDS after it was issued, and in any case while the job is queued or running and for JOB_TTL_SECONDS after it finished: a stream the server ends (`timeout` max_duration, a restart) resumes by the same URL.'
          }
        }
      },
      tags: [
        { name: 'jobs', description: 'Upload files and read jobs and their results' },
        { name: 'progress', description: 'Live progress as Server-Sent Events' },
        { name: 'operations', description: 'Health, readiness and metrics' }
      ]
    },
    transform: describeRouteAccess(keysRequired),
    transformObject: completeOpenApiDocument
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No call to the public validator at validator.swagger.io: the page stays same-origin. The
    // base layout has no top bar, whose logo is an inline <style> the strict CSP would block.
    uiConfig: { validatorUrl: null, deepLinking: true, layout: 'BaseLayout' }
  })
}, { name: 'swagger', dependencies: ['auth'] })
