/**
 * The protections a security reviewer checks: security headers everywhere (the stream too),
 * per-client upload rate limits that a forged X-Forwarded-For cannot dodge, load shedding that
 * never touches streams, random job ids, client file names that never reach a path, and errors
 * that never show a stack or a server path.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { startChildServer } from '../support/child-server.ts'
import { eventually, recordStream } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const LEAK = /\/work\/|\/tmp\/|node_modules|\.ts:\d+|at .+\(.+:\d+:\d+\)|\/secret\/path/

async function listFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter(entry => entry.isFile()).map(entry => join(entry.parentPath, entry.name))
}

describe('security headers', () => {
  it('sends the strict CSP and helmet headers on API answers, errors and the event stream', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const upload = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm() })
    const { links } = await upload.json() as { links: { events: string } }
    const stream = await fetch(server.url + links.events)
    const responses = [upload, stream, await fetch(`${server.url}/api/jobs/${randomUUID()}`), await fetch(`${server.url}/metrics`)]
    for (const response of responses) {
      const headers = response.headers
      expect(headers.get('content-security-policy')).toBe("default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: blob:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'")
      expect(headers.get('x-content-type-options')).toBe('nosniff')
      expect(headers.get('referrer-policy')).toBe('no-referrer')
      expect(headers.get('x-frame-options')).toBe('DENY')
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
      if (!response.bodyUsed) await response.body?.cancel()
    }
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
  })
})

describe('upload rate limit', () => {
  it('answers 429 with Retry-After past the limit per client, and never limits reads or streams', async () => {
    server = await buildTestApp({ RATE_LIMIT_UPLOADS_PER_MINUTE: '3' }, { listen: true, pipelines: [instantPipeline()] })
    const post = (headers: Record<string, string> = {}) => fetch(`${server?.url}/api/jobs`, { method: 'POST', body: csvForm(), headers })
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(202)
    const limited = await post()
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/at most 3 per minute/) })

    for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/api/jobs`)).status).toBe(200)
    const stream = recordStream(`${server.url}/api/progress/${randomUUID()}`)
    await stream.waitForType('connected')
    stream.close()
    // A client behind a trusted proxy (loopback by default) is a client of its own.
    expect((await post({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(202)
  })

  it('cannot be dodged with a forged X-Forwarded-For when no proxy is trusted', async () => {
    server = await buildTestApp({ RATE_LIMIT_UPLOADS_PER_MINUTE: '2', TRUST_PROXY: 'false' }, { pipelines: [instantPipeline()] })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await server.app.inject({ method: 'POST', url: '/api/jobs', body: csvForm() as never, headers: { 'x-forwarded-for': `198.51.100.${i}` } })
      statuses.push(response.statusCode)
    }
    expect(statuses).toEqual([202, 202, 429, 429])
  })
})

describe('load shedding', () => {
  it('answers new uploads 503 under pressure, but still opens streams and serves reads', async () => {
    // A 1-byte heap limit: the server is under pressure from its first sample on.
    server = await buildTestApp({ PRESSURE_MAX_HEAP_BYTES: '1', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', PRESSURE_SAMPLE_INTERVAL_MS: '100' }, { listen: true, pipelines: [instantPipeline()] })
    const app = server.app
    await eventually(() => app.isUnderPressure())
    const shed = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm() })
    expect(shed.status).toBe(503)
    expect(shed.headers.get('retry-after')).toBe('10')
    expect(await shed.json()).toMatchObject({ error: 'overloaded', message: expect.stringMatching(/heap memory/) })

    const stream = recordStream(`${server.url}/api/progress/${randomUUID()}`)
    await stream.waitForType('connected')
    stream.close()
    for (const path of ['/api/jobs', '/health', '/metrics', `/api/jobs/${randomUUID()}`]) {
      expect((await fetch(server.url + path)).status, path).not.toBe(503)
    }
  })
})

describe('load shedding on event-loop lag (opt-in)', () => {
  it('sheds uploads right after the loop was blocked, and takes them again once it recovers', async () => {
    const current = await buildTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '50', PRESSURE_SAMPLE_INTERVAL_MS: '100' }, { pipelines: [instantPipeline()] })
    server = current
    const upload = () => current.app.inject({ method: 'POST', url: '/api/jobs', body: csvForm() as never })
    // Block the event loop as a CPU-bound stage on the main thread would. The monitor averages
    // the delay over a sample, so on a loaded machine (its timer late, more short samples in the
    // mean) a shorter block can average out under the bound.
    const busyUntil = Date.now() + 1500
    while (Date.now() < busyUntil) Math.sqrt(Math.random())
    await eventually(() => current.app.isUnderPressure(), { timeoutMs: 4000, intervalMs: 1 })
    const shed = await upload()
    expect(shed.statusCode).toBe(503)
    expect(shed.json()).toMatchObject({ error: 'overloaded', message: expect.stringMatching(/event loop delay/) })
    await eventually(() => !current.app.isUnderPressure(), { timeoutMs: 5000, intervalMs: 20 })
    expect((await upload()).statusCode).toBe(202)
  })
})

describe('stream flood', () => {
  it('drops new streams past MAX_OPEN_STREAMS (so EventSource retries) instead of answering an error, and takes them again later', async () => {
    server = await buildTestApp({ MAX_OPEN_STREAMS: '3' }, { listen: true, pipelines: [instantPipeline()] })
    const url = `${server.url}/api/progress/${randomUUID()}`
    const open = Array.from({ length: 3 }, () => recordStream(url))
    await Promise.all(open.map(stream => stream.waitForType('connected')))
    await expect(fetch(url)).rejects.toThrow()
    for (const stream of open) stream.close()
    await eventually(() => server?.app.streams.open.size === 0)
    const again = recordStream(url)
    await again.waitForType('connected')
    again.close()
  })
})

describe('job ids and file names', () => {
  it('gives every job a fresh random (version 4) UUID', async () => {
    server = await buildTestApp({}, { pipelines: [instantPipeline()] })
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const response = await server.app.inject({ method: 'POST', url: '/api/jobs', body: csvForm() as never })
      ids.add(response.json<{ id: string }>().id)
    }
    expect(ids.size).toBe(20)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('never lets a client file name or X-Job-Id reach a filesystem path', async () => {
    const current = await buildTestApp({}, { pipelines: [instantPipeline()] })
    server = current
    const marker = `evil-${randomUUID()}`
    const names = [`../../../../../tmp/${marker}.csv`, `..\\..\\${marker}.csv`, `/etc/${marker}.csv`, `${marker}\u0000.csv`, `%2e%2e%2f${marker}.csv`]
    for (const name of names) {
      const response = await current.app.inject({ method: 'POST', url: '/api/jobs', body: csvForm(undefined, {}, name) as never })
      expect(response.statusCode, name).toBe(202)
      const job = await current.app.inject(`/api/jobs/${response.json<{ id: string }>().id}`)
      const [file] = job.json<{ files: Array<{ name: string }> }>().files
      // eslint-disable-next-line no-control-regex -- a NUL in a file name is exactly what is checked
      expect(file?.name).not.toMatch(/[/\\\u0000]/)
    }
    const badId = await current.app.inject({ method: 'POST', url: '/api/jobs', body: csvForm() as never, headers: { 'x-job-id': `../../${marker}` } })
    expect(badId.statusCode).toBe(400)

    await eventually(async () => (await current.app.jobs.listUnfinished())?.length === 0)
    const stored = await listFiles(current.dataDir)
    expect(stored.filter(path => path.includes(marker))).toEqual([])
    expect(existsSync(`/tmp/${marker}.csv`)).toBe(false)
    for (const path of stored.filter(path => path.includes(`${join(current.dataDir, 'uploads')}/`))) expect(path).toMatch(/\/[0-9a-f-]{36}\.\d+\.upload$/)
  })
})

describe('errors', () => {
  it('never show a stack trace or a server path, whether a route or a stage throws', async () => {
    const gates = createGates()
    const dataDir = join(await import('node:os').then(os => os.tmpdir()), `stagecast-errors-${randomUUID()}`)
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: dataDir }), { pipelines: [gatedPipeline(gates, { crashAt: 'validation' })] })
    app.get('/boom', async () => { throw new Error(`ENOENT: no such file, open '${dataDir}/secret/path'`) })
    await app.ready()
    try {
      const boom = await app.inject('/boom')
      expect(boom.statusCode).toBe(500)
      expect(boom.json()).toEqual({ error: 'internal_error', message: expect.any(String) })
      expect(boom.body).not.toMatch(LEAK)

      const upload = await app.inject({ method: 'POST', url: '/api/jobs', body: csvForm() as never })
      const { id } = upload.json<{ id: string }>()
      for (let stage = 0; stage < 2; stage++) {
        await gates.arrived(id)
        gates.open(id)
      }
      await eventually(async () => (await app.inject(`/api/jobs/${id}`)).json<{ status: string }>().status === 'failed')
      const job = await app.inject(`/api/jobs/${id}`)
      expect(job.json()).toMatchObject({ error: { code: 'internal_error', stage: 'validation' } })
      expect(job.body).not.toMatch(LEAK)
      const events = await app.jobs.events.readEventsAfter(id, 0)
      expect(JSON.stringify(events)).not.toMatch(LEAK)

      for (const request of [
        { method: 'POST' as const, url: '/api/jobs', headers: { 'content-type': 'application/json' }, body: '{"broken": ' },
        { method: 'GET' as const, url: '/api/jobs?limit=abc' },
        { method: 'GET' as const, url: '/assets/../../package.json' }
      ]) {
        const response = await app.inject(request)
        expect(response.statusCode, request.url).toBeGreaterThanOrEqual(400)
        expect(response.statusCode, request.url).toBeLessThan(500)
        expect(response.body, request.url).not.toMatch(LEAK)
        expect(response.json(), request.url).toMatchObject({ error: expect.any(String), message: expect.any(String) })
      }
      // A multipart body cut short is answered by the generic error (still without a path or stack).
      const truncated = await app.inject({ method: 'POST', url: '/api/jobs', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc' })
      expect(truncated.statusCode).toBeGreaterThanOrEqual(400)
      expect(truncated.body).not.toMatch(LEAK)
    } finally {
      await app.close()
      await import('node:fs/promises').then(fs => fs.rm(dataDir, { recursive: true, force: true }))
    }
  })
})

describe('logs', () => {
  it('carry no API key, no link token, no file contents and no form values, even at debug level', async () => {
    const key = `log-test-key-${randomUUID()}`
    const secretCell = `Private-${randomUUID()}`
    const secretField = `jane.doe-${randomUUID()}@example.com`
    const dataDir = join(await import('node:os').then(os => os.tmpdir()), `stagecast-logs-${randomUUID()}`)
    const child = await startChildServer({ LOG_LEVEL: 'debug', API_KEYS: key, DATA_DIR: dataDir })
    let logs = ''
    child.process.stdout?.on('data', chunk => { logs += String(chunk) })
    child.process.stderr?.on('data', chunk => { logs += String(chunk) })
    try {
      const upload = await fetch(`${child.url}/api/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: csvForm(`date,customer,revenue\n2024-01-01,${secretCell},10\n`, { pipeline: 'instant', contact: secretField })
      })
      expect(upload.status).toBe(202)
      const { links } = await upload.json() as { links: { events: string, result: string } }
      const token = new URL(links.events, child.url).searchParams.get('token') as string
      const stream = recordStream(child.url + links.events)
      await stream.waitForType('complete')
      stream.close()
      expect((await fetch(child.url + links.result)).status).toBe(200)
      expect((await fetch(`${child.url}/api/jobs`, { headers: { authorization: 'Bearer wrong-key-0123456789' } })).status).toBe(401)
      await eventually(() => logs.includes('/result?token='))
      expect(logs).toContain('/result?token=[redacted]')

      expect(logs).toContain('incoming request')
      expect(logs).not.toContain(key)
      expect(logs).not.toContain(token)
      expect(logs).not.toContain(token.split('.')[1])
      expect(logs).not.toContain(secretCell)
      expect(logs).not.toContain(secretField)
      expect(logs).not.toContain('wrong-key-0123456789')
    } finally {
      child.process.kill('SIGTERM')
      await child.exited
      await import('node:fs/promises').then(fs => fs.rm(dataDir, { recursive: true, force: true }))
    }
  })
})
