/**
 * The progress stream's edges, against a real listening server: HEAD answers headers only; a
 * Last-Event-ID beyond the job's log gets `reset` and a replay from the first event, so the
 * outcome is never missed; and with API_KEYS a stream the server ends (max_duration) resumes by
 * the same URL after the link's token has expired, through a real EventSource reconnect.
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { eventually, isTerminalType, recordStream } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function upload (current: TestApp, options: { id?: string, headers?: Record<string, string> } = {}) {
  const headers = { ...options.headers, ...(options.id ? { 'x-job-id': options.id } : {}) }
  const response = await fetch(`${current.url}/api/jobs`, { method: 'POST', body: csvForm(), headers })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, links: { events: string, result: string } }
}

/** Sends raw bytes and collects everything the server sends back until it closes. */
function rawExchange (url: string, payload: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(payload))
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no close; got: ${Buffer.concat(chunks).toString()}`)) }, 5000)
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')) })
    socket.on('error', reject)
  })
}

describe('HEAD /api/progress/{id}', () => {
  it('answers the stream\'s headers with no body, leaves no subscription, and keeps the connection usable', async () => {
    const gates = createGates()
    const current = server = await buildTestApp({}, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id } = await upload(current)
    await gates.arrived(id)

    // HEAD then GET /health pipelined on one keep-alive connection: any body after the HEAD
    // answer would be read as the start of the second response.
    const answer = await rawExchange(current.url, `HEAD /api/progress/${id} HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    const [head, afterHead] = [answer.slice(0, answer.indexOf('\r\n\r\n')), answer.slice(answer.indexOf('\r\n\r\n') + 4)]
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    expect(head).toMatch(/\r\ncontent-type: text\/event-stream; charset=utf-8/i)
    expect(head).toMatch(/\r\ncache-control: no-cache/i)
    expect(afterHead).toMatch(/^HTTP\/1\.1 200 /)
    expect(afterHead).toContain('"status":"ok"')

    // Node's own client (which failed with HPE_INVALID_CONSTANT on the old answer) reads it too.
    const viaFetch = await fetch(`${current.url}/api/progress/${id}`, { method: 'HEAD' })
    expect(viaFetch.status).toBe(200)
    expect(await viaFetch.text()).toBe('')
    expect(current.app.jobs.events.subscriberCount(id)).toBe(0)
    expect(current.app.streams.open.size).toBe(0)

    // The same answers a GET would give before a stream opens: 400 for a bad id or Last-Event-ID.
    expect((await fetch(`${current.url}/api/progress/not-a-uuid`, { method: 'HEAD' })).status).toBe(400)
    expect((await fetch(`${current.url}/api/progress/${id}`, { method: 'HEAD', headers: { 'last-event-id': 'x' } })).status).toBe(400)
  })
})

describe('Last-Event-ID beyond the end of the log', () => {
  it('for a running job: reset, then every event from the first, then live events to the outcome', async () => {
    const gates = createGates()
    const current = server = await buildTestApp({}, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id, links } = await upload(current)
    for (let stage = 0; stage < 2; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await gates.arrived(id)
    const latest = (await (await fetch(`${current.url}/api/jobs/${id}`)).json() as { lastEventId: number }).lastEventId

    const stream = recordStream(`${current.url}${links.events}?lastEventId=${latest + 50}`)
    await stream.waitFor(events => events.filter(event => event.type === 'progress').length >= latest)
    expect(stream.received.slice(0, 2).map(event => event.type)).toEqual(['connected', 'reset'])
    expect(stream.received[1]?.data).toMatchObject({ jobId: id, lastEventId: latest + 50, latestEventId: latest, message: expect.stringMatching(/beyond/) })
    for (let stage = 2; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete')
    stream.close()
    const ids = stream.received.filter(event => event.id !== '').map(event => Number(event.id))
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1))
  })

  it('for a finished job: reset, the whole log with the terminal event, then the end (a 204 stops the client)', async () => {
    const current = server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const { id, links } = await upload(current)
    await eventually(async () => (await (await fetch(`${current.url}/api/jobs/${id}`)).json() as { status: string }).status === 'completed')
    const stream = recordStream(`${current.url}${links.events}?lastEventId=999999`)
    await stream.waitForType('complete')
    // The reset's id 0 made the client forget 999999; its reconnect carries the terminal id and gets 204.
    await stream.waitClosed()
    stream.close()
    const types = stream.received.map(event => event.type)
    expect(types.slice(0, 3)).toEqual(['connected', 'reset', 'progress'])
    expect(types.filter(type => type === 'complete')).toHaveLength(1)
    expect(stream.opens).toBe(1)
  })

  it('for a job that does not exist yet: reset at once, then its events from the first when it appears', async () => {
    const current = server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const id = randomUUID()
    const stream = recordStream(`${current.url}/api/progress/${id}?lastEventId=7`)
    await stream.waitForType('reset')
    expect(stream.received[1]?.data).toMatchObject({ lastEventId: 7, latestEventId: 0 })
    await upload(current, { id })
    const events = await stream.waitFor(received => received.some(isTerminalType))
    stream.close()
    expect(events.find(event => event.type === 'progress')).toMatchObject({ id: '1' })
  })
})

describe('API keys and a stream the server ends', () => {
  const KEY = 'stream-resume-key-0123456789'

  it('resumes by the same URL after max_duration although the link\'s token has expired, and the result link still opens', async () => {
    const gates = createGates()
    const current = server = await buildTestApp(
      { API_KEYS: KEY, TOKEN_TTL_SECONDS: '1', MAX_STREAM_SECONDS: '2', SSE_RETRY_MS: '50' },
      { listen: true, pipelines: [gatedPipeline(gates)] }
    )
    const { id, links } = await upload(current, { headers: { authorization: `Bearer ${KEY}` } })
    expect(links.events).toMatch(/\?token=/)
    // A plain EventSource, as a browser has: no headers, reconnecting on its own.
    const stream = recordStream(current.url + links.events)
    await gates.arrived(id)
    await stream.waitForType('timeout', 10_000)
    expect(stream.received.find(event => event.type === 'timeout')?.data).toEqual({ jobId: id, reason: 'max_duration' })
    // The token expired a second ago; the reconnect by the same URL must still be let in.
    await stream.waitFor(() => stream.opens >= 2, 10_000, 'the reconnect after max_duration')
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete', 10_000)
    stream.close()
    const ids = stream.received.filter(event => event.id !== '').map(event => Number(event.id))
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1))
    expect((await fetch(current.url + links.result)).status).toBe(200)

    // The token stays scoped to its job: another job's stream still refuses it.
    const token = new URL(links.events, current.url).searchParams.get('token') as string
    const other = await fetch(`${current.url}/api/progress/${randomUUID()}?token=${token}`)
    expect(other.status).toBe(401)
    expect(await other.json()).toMatchObject({ error: 'invalid_token' })
  })

  it('refuses an expired token once its job finished more than JOB_TTL_SECONDS ago', async () => {
    const current = server = await buildTestApp(
      { API_KEYS: KEY, TOKEN_TTL_SECONDS: '1', JOB_TTL_SECONDS: '1', SWEEP_INTERVAL_MS: '60000' },
      { listen: true, pipelines: [instantPipeline()] }
    )
    const { id, links } = await upload(current, { headers: { authorization: `Bearer ${KEY}` } })
    const finishedAt: string = await eventually(async () => {
      const job = await (await fetch(`${current.url}/api/jobs/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as { finishedAt: string | null }
      return job.finishedAt ?? ''
    })
    // Wait (bounded) until both the token (1 s) and the job's guaranteed retention (1 s) have passed.
    await eventually(() => Date.now() > Date.parse(finishedAt) + 1100, { timeoutMs: 5000, intervalMs: 50 })
    const response = await fetch(current.url + links.result)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'token_expired' })
  })
})
