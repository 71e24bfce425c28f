/**
 * CONTRACT.md "Access": with API_KEYS unset the API is open and links carry no token; with it
 * set, every /api route needs the key, the stream/result/PDF also take the job's own link
 * token, and /health, /ready, /metrics, /docs stay open.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'
import { instantPipeline } from '../support/test-pipelines.ts'

const KEY = 'test-api-key-0123456789abcdef'
const OTHER_KEY = 'another-api-key-0123456789'
const auth = (key = KEY) => ({ authorization: `Bearer ${key}` })

let servers: TestApp[] = []
afterEach(async () => {
  // Newest first: a second instance may share the first one's data folder.
  for (const server of servers.reverse()) await server.close()
  servers = []
})

async function start (env: Record<string, string> = {}, dataDir?: string) {
  const server = await buildTestApp({ API_KEYS: `${KEY},${OTHER_KEY}`, ...env }, { listen: true, pipelines: [instantPipeline('report')], ...(dataDir ? { dataDir } : {}) })
  servers.push(server)
  return server
}

interface Accepted { id: string, links: { self: string, events: string, result: string, pdf?: string } }

async function upload (server: TestApp, key = KEY): Promise<Accepted> {
  const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm(), headers: auth(key) })
  expect(response.status).toBe(202)
  return await response.json() as Accepted
}

describe('access without API keys', () => {
  it('leaves /api open and puts no token in links', async () => {
    const server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    servers.push(server)
    const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm() })
    expect(response.status).toBe(202)
    const { links } = await response.json() as Accepted
    expect(Object.values(links).join(' ')).not.toContain('token=')
    expect((await fetch(server.url + links.self)).status).toBe(200)
  })
})

describe('access with API_KEYS', () => {
  it('refuses every /api route without a valid key, with a JSON 401 and WWW-Authenticate', async () => {
    const server = await start()
    const id = randomUUID()
    const requests: Array<[string, string]> = [
      ['POST', '/api/jobs'], ['GET', '/api/jobs'], ['GET', `/api/jobs/${id}`], ['DELETE', `/api/jobs/${id}`],
      ['GET', `/api/jobs/${id}/result`], ['GET', `/api/jobs/${id}/report.pdf`], ['GET', `/api/progress/${id}`], ['GET', '/api/no-such-route']
    ]
    for (const [method, path] of requests) {
      for (const headers of [{}, auth('wrong-key-0123456789abcd'), { authorization: `Basic ${btoa(`user:${KEY}`)}` }]) {
        const response = await fetch(server.url + path, { method, headers, ...(method === 'POST' ? { body: csvForm() } : {}) })
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
        const body = await response.json() as { error: string, message: string }
        expect(body.error).toMatch(/^(api_key_required|invalid_api_key|invalid_authorization)$/)
        expect(body.message).toMatch(/Authorization|API key/)
      }
    }
    // Percent-encoding the path does not route around the check.
    const encoded = await fetch(`${server.url}/%61pi/jobs`)
    expect([401, 404]).toContain(encoded.status)
  })

  it('accepts any configured key, and keeps /health, /ready, /metrics and /docs open', async () => {
    const server = await start({ CORS_ORIGINS: 'https://app.example.com' })
    expect((await fetch(`${server.url}/api/jobs`, { headers: auth() })).status).toBe(200)
    expect((await fetch(`${server.url}/api/jobs`, { headers: auth(OTHER_KEY) })).status).toBe(200)
    for (const path of ['/health', '/ready', '/metrics', '/docs', '/docs/json']) {
      expect((await fetch(server.url + path)).status, path).toBe(200)
    }
    // CORS preflight carries no credentials and must still be answered.
    const preflight = await fetch(`${server.url}/api/jobs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
  })

  it('lets the upload reply\'s links open the stream and the result without the key, never showing the key', async () => {
    const server = await start()
    const accepted = await upload(server)
    for (const link of [accepted.links.events, accepted.links.result, accepted.links.pdf]) expect(link).toMatch(/\?token=[0-9a-z]+\.[\w-]{43}$/)
    expect(JSON.stringify(accepted)).not.toContain(KEY)

    const stream = recordStream(server.url + accepted.links.events)
    await stream.waitForType('complete')
    stream.close()
    expect(stream.received[0]).toMatchObject({ type: 'connected', data: { jobId: accepted.id } })

    const result = await fetch(server.url + accepted.links.result)
    expect(result.status).toBe(200)
    expect(await result.json()).toMatchObject({ pipeline: 'report' })
    // The token gets past access control to the route itself (this test pipeline writes no PDF).
    const pdf = await fetch(server.url + accepted.links.pdf)
    expect(pdf.status).toBe(404)
    expect(await pdf.json()).toMatchObject({ error: 'artifact_missing' })
  })

  it('scopes a token to its job and to reading: other jobs, the job itself and DELETE still need the key', async () => {
    const server = await start()
    const first = await upload(server)
    const second = await upload(server)
    const token = new URL(first.links.result, server.url).searchParams.get('token') as string

    const wrongJob = await fetch(`${server.url}/api/jobs/${second.id}/result?token=${token}`)
    expect(wrongJob.status).toBe(401)
    expect(await wrongJob.json()).toMatchObject({ error: 'invalid_token' })
    expect((await fetch(`${server.url}/api/progress/${second.id}?token=${token}`)).status).toBe(401)
    expect((await fetch(`${server.url}/api/jobs/${first.id}?token=${token}`)).status).toBe(401)
    expect((await fetch(`${server.url}/api/jobs/${first.id}?token=${token}`, { method: 'DELETE' })).status).toBe(401)
    expect((await fetch(`${server.url}/api/jobs?token=${token}`)).status).toBe(401)
    expect((await fetch(`${server.url}/api/jobs/${first.id}/result?token=${encodeURIComponent(KEY)}`)).status).toBe(401)
  })

  it('renews links through GET /api/jobs/{id}, and shares tokens between instances that share TOKEN_SECRET', async () => {
    const secret = 'shared-secret-for-two-instances-0123456789'
    const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-auth-'))
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }))
    const one = await start({ TOKEN_SECRET: secret }, dataDir)
    const accepted = await upload(one)
    const job = await (await fetch(one.url + accepted.links.self, { headers: auth() })).json() as { links: Accepted['links'] }
    expect(job.links.events).toMatch(/\?token=/)
    const stream = recordStream(one.url + job.links.events)
    await stream.waitForType('complete')
    stream.close()

    // The next instance on this data folder (one embedded server holds it at a time) honours
    // the first one's link when it shares TOKEN_SECRET, and only then.
    await one.close()
    const two = await start({ TOKEN_SECRET: secret }, dataDir)
    const elsewhere = await fetch(two.url + accepted.links.result)
    expect(elsewhere.status).toBe(200)
    expect(await elsewhere.json()).toMatchObject({ pipeline: 'report' })
    await two.close()
    const unshared = await start({}, dataDir)
    expect((await fetch(unshared.url + accepted.links.result)).status).toBe(401)
  })
})
