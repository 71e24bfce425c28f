/**
 * Completes the OpenAPI document generated from the route schemas with what those schemas
 * cannot say: per route (from its config) the tags, the security requirements in force and the
 * 401/429/503 answers that access control, rate limiting and load shedding add; per operation
 * the examples, the multipart upload body and readable status descriptions.
 */
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger'
import { ErrorBody } from '../../routes/jobs/schemas.ts'
import { operationExamples, overloadedExample, rateLimitedExample, unauthorizedExample } from './swagger-examples.ts'

interface Media { schema?: unknown, example?: unknown, examples?: unknown }
interface Parameter { in: string, name: string, required?: boolean, description?: string, schema?: Record<string, unknown> & { default?: unknown } }
interface Operation {
  parameters?: Parameter[]
  requestBody?: unknown
  responses?: Record<string, { description: string, content?: Record<string, Media> }>
}
type Paths = Record<string, Record<string, Operation>>

const statusDescriptions: Record<string, string> = {
  200: 'OK',
  202: 'Accepted: the job is queued; follow `links.events` for its progress',
  204: 'No content',
  400: 'The request is malformed; the message says what to fix',
  401: 'No valid API key (or link token) was sent',
  404: 'No such job',
  409: 'Conflicts with the job\'s state',
  410: 'The job has expired and its data was removed',
  413: 'The upload is larger than MAX_UPLOAD_BYTES',
  415: 'No pipeline accepts this file type',
  429: 'Too many uploads from this client; see Retry-After',
  503: 'Overloaded or restarting; retry after Retry-After'
}

const operationStatusDescriptions: Record<string, Record<string, string>> = {
  'get /api/progress/{id}': { 204: 'The client resumed after the terminal event: nothing more will come (stops EventSource)' },
  'delete /api/jobs/{id}': { 204: 'The job was cancelled, or its data deleted' },
  'get /api/jobs/{id}/report.pdf': { 404: 'No such job, or it is not a report job' },
  'get /ready': { 503: 'The job store does not answer, or the server is shutting down' }
}

const lastEventIdHeader: Parameter = {
  in: 'header',
  name: 'last-event-id',
  required: false,
  schema: { type: 'string', pattern: '^\\d{1,15}$' },
  description: 'Sent by EventSource when it reconnects: the stream replays every event after this id, then goes live'
}

const uploadBody = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: {
          file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'The file; several parts for an intake job. CSV/TSV → report; PDF/PNG/JPEG/TIFF → intake.' },
          pipeline: { type: 'string', enum: ['report', 'intake'], description: 'Inferred from the file type when absent' }
        },
        additionalProperties: { type: 'string', description: 'Any other text field is kept as a form field of the job (e.g. `dateColumn`, `measures`, `period`, `horizon` for a report)' }
      }
    }
  }
}

const tagOf = (url: string) => url.startsWith('/api/jobs') ? 'jobs' : url.startsWith('/api/progress') ? 'progress' : 'operations'

/** Per route: tags, security and the answers added by access control, rate limiting and shedding. */
export function describeRouteAccess (keysRequired: boolean): SwaggerTransform {
  return ({ schema, url, route }) => {
    if (!schema || schema.hide) return { schema, url }
    const config = route.config as { jobToken?: boolean, rateLimit?: unknown, shedUnderPressure?: boolean } | undefined
    const response: Record<string, unknown> = { ...(schema.response as Record<string, unknown> | undefined) }
    const isApi = url.startsWith('/api/')
    if (isApi && keysRequired) response[401] = ErrorBody
    if (config?.rateLimit) response[429] = ErrorBody
    if (config?.shedUnderPressure) response[503] = ErrorBody
    const security: Array<Record<string, string[]>> | undefined = isApi && keysRequired
      ? [{ apiKey: [] }, ...(config?.jobToken ? [{ jobToken: [] }] : [])]
      : undefined
    return { url, schema: { ...schema, tags: [tagOf(url)], response, ...(security ? { security } : {}) } }
  }
}

/** Per operation: examples, the upload body, status descriptions, and query defaults shown as optional. */
export const completeOpenApiDocument: SwaggerTransformObject = document => {
  if (!('openapiObject' in document)) return document.swaggerObject
  const openapi = document.openapiObject
  for (const [path, operations] of Object.entries((openapi.paths ?? {}) as Paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const key = `${method} ${path}`
      if (key === 'post /api/jobs') operation.requestBody = uploadBody
      if (key === 'get /api/progress/{id}') operation.parameters = [...(operation.parameters ?? []), lastEventIdHeader]
      for (const parameter of operation.parameters ?? []) {
        // A parameter with a default may be left out, whatever TypeBox put in `required`.
        if (parameter.schema?.default !== undefined) parameter.required = false
      }
      const examples: Record<string, unknown> = { 401: unauthorizedExample, 429: rateLimitedExample, 503: overloadedExample, ...operationExamples[key] }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response') {
          response.description = operationStatusDescriptions[key]?.[status] ?? statusDescriptions[status] ?? response.description
        }
        if (response.content && Number(status) >= 400) response.content = asJson(response.content)
        const pdf = response.content?.['application/pdf']
        if (pdf) pdf.schema = { type: 'string', format: 'binary', description: 'The report as a PDF document' }
        const example = examples[status]
        for (const media of Object.values(response.content ?? {})) {
          if (example !== undefined && media.example === undefined && media.examples === undefined) media.example = example
        }
      }
    }
  }
  return openapi
}

/** Error answers are JSON whatever the route produces when it succeeds (a stream, a PDF). */
function asJson (content: Record<string, Media>): Record<string, Media> {
  const media = content['application/json'] ?? Object.values(content)[0]
  return media ? { 'application/json': media } : content
}
