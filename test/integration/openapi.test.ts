/**
 * The OpenAPI document at /docs/json: every route of the contract is in it, every response
 * documented with a body has an example that its own schema accepts, the event stream lists
 * every event, and the events a real stream sends match the documented shapes.
 */
import { randomUUID } from 'node:crypto'
import { Errors } from 'typebox/schema'
import { afterEach, describe, expect, it } from 'vitest'
import { StreamEventData, type StreamEventName } from '../../src/routes/progress/event-schemas.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

interface Media { schema?: Record<string, unknown>, example?: unknown }
interface Operation {
  summary?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ in: string, name: string }>
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { description: string, content?: Record<string, Media> }>
}
interface OpenApiDocument { openapi: string, paths: Record<string, Record<string, Operation>> }

const CONTRACT_ROUTES = [
  'post /api/jobs', 'get /api/jobs', 'get /api/jobs/{id}', 'get /api/jobs/{id}/result', 'get /api/jobs/{id}/report.pdf',
  'delete /api/jobs/{id}', 'get /api/progress/{id}', 'get /health', 'get /ready', 'get /metrics'
]

let server: TestApp
afterEach(async () => { await server?.close() })

async function fetchDocument (env: Record<string, string> = {}): Promise<OpenApiDocument> {
  server = await buildTestApp(env, { pipelines: [instantPipeline()] })
  const response = await server.app.inject('/docs/json')
  expect(response.statusCode).toBe(200)
  return response.json()
}

const operations = (document: OpenApiDocument) => Object.entries(document.paths)
  .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ key: `${method} ${path}`, operation })))

const problemsOf = (schema: unknown, value: unknown) => Errors(schema as Parameters<typeof Errors>[0], value)[1].map(error => `${error.instancePath} ${error.message}`)

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and holds every route of the contract, each with a summary and a tag', async () => {
    const document = await fetchDocument()
    expect(document.openapi).toBe('3.1.0')
    const documented = operations(document)
    expect(documented.map(({ key }) => key)).toEqual(expect.arrayContaining(CONTRACT_ROUTES))
    for (const { key, operation } of documented) {
      expect(operation.summary, key).toBeTruthy()
      expect(operation.tags?.length, key).toBe(1)
    }
  })

  it('has an example for every response body, and each example passes its own schema', async () => {
    const document = await fetchDocument()
    let checked = 0
    for (const { key, operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type === 'application/pdf') continue
          expect(media.example, `${key} ${status} ${type}`).toBeDefined()
          if (type !== 'application/json') continue
          expect(problemsOf(media.schema, media.example), `${key} ${status}`).toEqual([])
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30)
    const upload = document.paths['/api/jobs']?.post?.requestBody?.content['multipart/form-data']?.schema
    expect(upload).toMatchObject({ required: ['file'], properties: { file: { items: { format: 'binary' } }, pipeline: { enum: ['report', 'intake'] } } })
  })

  it('documents every event of the progress stream with its data shape, and Last-Event-ID', async () => {
    const document = await fetchDocument()
    const stream = document.paths['/api/progress/{id}']?.get
    const media = stream?.responses['200']?.content?.['text/event-stream']
    const messages = (media?.schema?.anyOf ?? []) as Array<{ title: string, properties: { event: { enum: string[] }, data: { properties: Record<string, unknown> } } }>
    expect(messages.map(message => message.properties.event.enum[0]))
      .toEqual(['connected', 'progress', 'reset', 'heartbeat', 'complete', 'failed', 'cancelled', 'interrupted', 'timeout'])
    for (const message of messages) expect(Object.keys(message.properties.data.properties)).toContain('jobId')
    expect(String(media?.example)).toMatch(/^retry: \d+\n\nevent: connected\n/)
    expect(stream?.parameters?.map(parameter => `${parameter.in}:${parameter.name}`)).toEqual(expect.arrayContaining(['header:last-event-id', 'query:lastEventId', 'path:id']))
    expect(stream?.responses['204']?.description).toMatch(/terminal event/)
  })

  it('shows the security in force: none without API keys; the key everywhere in /api and the token on stream, result and PDF with them', async () => {
    const open = await fetchDocument()
    expect(operations(open).filter(({ operation }) => operation.security)).toEqual([])
    await server.close()

    const secured = await fetchDocument({ API_KEYS: 'doc-test-key-0123456789' })
    for (const { key, operation } of operations(secured)) {
      if (!key.includes(' /api/')) {
        expect(operation.security, key).toBeUndefined()
        continue
      }
      const schemes = (operation.security ?? []).flatMap(requirement => Object.keys(requirement))
      const takesToken = ['get /api/progress/{id}', 'get /api/jobs/{id}/result', 'get /api/jobs/{id}/report.pdf'].includes(key)
      expect(schemes, key).toEqual(takesToken ? ['apiKey', 'jobToken'] : ['apiKey'])
      expect(operation.responses['401'], key).toBeDefined()
    }
    expect(secured.paths['/api/jobs']?.post?.responses['429']).toBeDefined()
    expect(secured.paths['/api/jobs']?.post?.responses['503']).toBeDefined()
  })

  it('serves Swagger UI at /docs', async () => {
    server = await buildTestApp({}, { pipelines: [instantPipeline()] })
    const page = await server.app.inject('/docs/')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('swagger-ui-bundle.js')
  })
})

describe('the progress stream matches its documentation', () => {
  const check = (events: ReceivedEvent[]) => {
    for (const event of events) {
      const schema = StreamEventData[event.type as StreamEventName]
      expect(schema, event.type).toBeDefined()
      expect(problemsOf(schema, event.data), `${event.type} ${JSON.stringify(event.data)}`).toEqual([])
    }
  }

  it('for completed and failed jobs, a reset, heartbeats and timeouts', async () => {
    const gates = createGates()
    server = await buildTestApp({ HEARTBEAT_SECONDS: '1', WAIT_TIMEOUT_SECONDS: '2' }, { listen: true, pipelines: [instantPipeline(), gatedPipeline(gates, { failAt: 'forecasting' })] })
    const post = async (pipeline: string) => {
      const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm(undefined, { pipeline }) })
      return await response.json() as { id: string, links: { events: string } }
    }
    const completedLinks = (await post('instant')).links
    const completed = recordStream(server.url + completedLinks.events)
    check(await completed.waitForType('complete'))
    completed.close()
    const ahead = recordStream(`${server.url}${completedLinks.events}?lastEventId=999`)
    const replayed = await ahead.waitForType('complete')
    ahead.close()
    expect(replayed.map(event => event.type)).toContain('reset')
    check(replayed)

    const failing = await post('gated')
    const failed = recordStream(server.url + failing.links.events)
    for (let stage = 0; stage < 3; stage++) {
      await gates.arrived(failing.id)
      gates.open(failing.id)
    }
    check(await failed.waitForType('failed'))
    failed.close()

    const waiting = recordStream(`${server.url}/api/progress/${randomUUID()}`)
    const untilTimeout = await waiting.waitForType('timeout')
    waiting.close()
    expect(untilTimeout.map(event => event.type)).toContain('heartbeat')
    check(untilTimeout)
  })
})
