/**
 * The progress stream against a real listening server and the `eventsource` client: every rule
 * of CONTRACT.md's "Progress stream" section that a client can observe.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { eventually, isTerminalType, recordStream } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp
afterEach(async () => { await server?.close() })

async function upload (id?: string, form = csvForm()) {
  const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: form, headers: id ? { 'x-job-id': id } : {} })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, links: { events: string } }
}

describe('progress stream', () => {
  it('streams connected, every progress event with ids 1, 2, 3… and complete, then 204 ends it', async () => {
    const gates = createGates()
    server = await buildTestApp({}, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id, links } = await upload()
    const stream = recordStream(server.url + links.events)
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete')
    await stream.waitClosed()
    stream.close()

    const [connected, ...events] = stream.received
    expect(connected?.type).toBe('connected')
    expect(events.map(event => Number(event.id))).toEqual(events.map((_, index) => index + 1))
    const percents = events.map(event => event.data.percent as number)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(events.at(-1)).toMatchObject({ type: 'complete', data: { jobId: id, percent: 100, result: `/api/jobs/${id}/result` } })
    const stageNames = new Set(events.filter(event => event.type === 'progress').map(event => event.data.stage))
    expect(stageNames.size).toBe(10)
    // The 204 after the terminal event stopped the client: exactly one successful connection.
    expect(stream.opens).toBe(1)
    expect(server.app.jobs.events.subscriberCount(id)).toBe(0)
  })

  it('resumes after a reconnect with Last-Event-ID: no event lost, none repeated', async () => {
    const gates = createGates()
    server = await buildTestApp({ SSE_RETRY_MS: '50' }, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id, links } = await upload()
    const stream = recordStream(server.url + links.events)
    for (let stage = 0; stage < 4; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await gates.arrived(id)
    await stream.waitFor(events => events.filter(event => event.type === 'progress').length >= 8)
    // Drop every open stream, as a proxy or a network change would.
    for (const connection of server.app.streams.open) connection.end()
    // Events appended while the client is away must be replayed when it comes back.
    gates.open(id)
    for (let stage = 5; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete')
    stream.close()

    expect(stream.opens).toBeGreaterThanOrEqual(2)
    const ids = stream.received.filter(event => event.id !== '').map(event => Number(event.id))
    const job = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as { lastEventId: number }
    expect(ids).toEqual(Array.from({ length: job.lastEventId }, (_, index) => index + 1))
  })

  it('replays the whole history to a late client, and honours ?lastEventId on a first connection', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const { id, links } = await upload()
    const first = recordStream(server.url + links.events)
    const all = await first.waitFor(events => events.some(isTerminalType))
    first.close()
    const late = recordStream(`${server.url}${links.events}?lastEventId=5`)
    const replayed = await late.waitForType('complete')
    late.close()
    const withIds = (events: typeof all) => events.filter(event => event.id !== '').map(event => Number(event.id))
    expect(withIds(replayed)).toEqual(withIds(all).filter(seq => seq > 5))
    expect(id).toBeTruthy()
  })

  it('answers 204 to a reconnect after the terminal event, 410 for an expired job, 400 for a bad id', async () => {
    server = await buildTestApp({ JOB_TTL_SECONDS: '1', SWEEP_INTERVAL_MS: '20' }, { listen: true, pipelines: [instantPipeline()] })
    const { id, links } = await upload()
    const stream = recordStream(server.url + links.events)
    const events = await stream.waitForType('complete')
    stream.close()
    const last = events.at(-1)?.id as string
    const ended = await fetch(server.url + links.events, { headers: { 'last-event-id': last } })
    expect(ended.status).toBe(204)

    const bad = await fetch(`${server.url}/api/progress/not-a-uuid`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
    const badId = await fetch(server.url + links.events, { headers: { 'last-event-id': '12abc' } })
    expect(badId.status).toBe(400)

    // Every read extends retention, so wait for the sweep to evict rather than polling the job.
    await new Promise<void>(resolve => server.app.jobs.onEvicted(evicted => { if (evicted === id) resolve() }))
    const expired = await fetch(server.url + links.events)
    expect(expired.status).toBe(410)
    expect(await expired.json()).toMatchObject({ error: 'job_expired' })
  })

  it('waits for a job that does not exist yet (X-Job-Id), then streams it', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const id = randomUUID()
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    const [connected] = await stream.waitForType('connected')
    expect(connected?.data).toEqual({ jobId: id, status: 'waiting' })
    await upload(id)
    await stream.waitForType('complete')
    stream.close()
    expect(stream.received[1]).toMatchObject({ type: 'progress', id: '1', data: { status: 'queued', percent: 0 } })
  })

  it('sends named heartbeats while idle, then timeout job_not_found when the job never appears', async () => {
    server = await buildTestApp({ HEARTBEAT_SECONDS: '1', WAIT_TIMEOUT_SECONDS: '3' }, { listen: true, pipelines: [instantPipeline()] })
    const id = randomUUID()
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    const events = await stream.waitForType('timeout')
    stream.close()
    expect(events.filter(event => event.type === 'heartbeat').length).toBeGreaterThanOrEqual(2)
    expect(events.find(event => event.type === 'heartbeat')?.data).toMatchObject({ jobId: id, status: 'waiting' })
    expect(events.at(-1)).toMatchObject({ type: 'timeout', data: { jobId: id, reason: 'job_not_found' } })
  })

  it('ends a stream at MAX_STREAM_SECONDS with timeout max_duration; the job goes on and a resume misses nothing', async () => {
    const gates = createGates()
    server = await buildTestApp({ MAX_STREAM_SECONDS: '1' }, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id, links } = await upload()
    const first = recordStream(server.url + links.events)
    await gates.arrived(id)
    const untilTimeout = await first.waitForType('timeout', 5000)
    first.close()
    expect(untilTimeout.at(-1)?.data).toEqual({ jobId: id, reason: 'max_duration' })
    const lastId = untilTimeout.filter(event => event.id !== '').at(-1)?.id as string
    expect((await (await fetch(`${server.url}/api/jobs/${id}`)).json()).status).toBe('running')

    const resumed = recordStream(server.url + links.events, { headers: { 'last-event-id': lastId } })
    await resumed.waitForType('connected')
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await resumed.waitForType('complete')
    resumed.close()
    const ids = [...untilTimeout, ...resumed.received].filter(event => event.id !== '').map(event => Number(event.id))
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1))
  })

  it('sends CORS headers on the stream for an allowed origin, exposing the headers EventSource needs', async () => {
    server = await buildTestApp({ CORS_ORIGINS: 'https://app.example.com' }, { listen: true, pipelines: [instantPipeline()] })
    const { links } = await upload()
    const response = await fetch(server.url + links.events, { headers: { origin: 'https://app.example.com' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(response.headers.get('access-control-expose-headers')).toMatch(/Last-Event-ID/)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    await response.body?.cancel()

    const other = await fetch(server.url + links.events, { headers: { origin: 'https://evil.example.net' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    await other.body?.cancel()
  })

  it('frames the stream for what the client speaks: HTTP/1.1 chunks, or a raw body ended by close for HTTP/1.0', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    const { id } = await upload()
    await eventually(async () => (await fetch(`${server.url}/api/jobs/${id}`).then(response => response.json())).status === 'completed')
    const { connect } = await import('node:net')
    const { port } = new URL(server.url)
    const rawStream = (version: string) => new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET /api/progress/${id} ${version}\r\nHost: x\r\nConnection: close\r\n\r\n`))
      socket.on('data', chunk => chunks.push(chunk))
      socket.on('end', () => resolve(Buffer.concat(chunks)))
      socket.on('error', reject)
    })
    const split = (response: Buffer) => {
      const end = response.indexOf('\r\n\r\n')
      return { head: response.subarray(0, end).toString('latin1'), body: response.subarray(end + 4) }
    }
    /** Chunk sizes count bytes, and the messages hold non-ASCII text (`…`): decode only after. */
    const dechunk = (body: Buffer) => {
      const parts: Buffer[] = []
      let offset = 0
      for (;;) {
        const lineEnd = body.indexOf('\r\n', offset)
        const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16)
        if (lineEnd < 0 || Number.isNaN(size)) throw new Error(`not a chunk at byte ${offset}`)
        if (size === 0) return Buffer.concat(parts).toString('utf8')
        parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
        offset = lineEnd + 2 + size + 2
      }
    }
    const eventsOf = (body: string) => [...body.matchAll(/^event: (\w+)$/gm)].map(match => match[1])

    const http11 = split(await rawStream('HTTP/1.1'))
    expect(http11.head).toMatch(/transfer-encoding: chunked/i)
    const events11 = eventsOf(dechunk(http11.body))
    expect(events11[0]).toBe('connected')
    expect(events11.at(-1)).toBe('complete')

    const http10 = split(await rawStream('HTTP/1.0'))
    expect(http10.head).not.toMatch(/transfer-encoding/i)
    expect(eventsOf(http10.body.toString('utf8'))).toEqual(events11)
  })

  it('unsubscribes every client that leaves: the job\'s subscriber count returns to zero', async () => {
    const gates = createGates()
    server = await buildTestApp({}, { listen: true, pipelines: [gatedPipeline(gates)] })
    const { id, links } = await upload()
    const streams = Array.from({ length: 20 }, () => recordStream(server.url + links.events))
    await Promise.all(streams.map(stream => stream.waitForType('connected')))
    expect(server.app.jobs.events.subscriberCount(id)).toBe(20)
    for (const stream of streams) stream.close()
    await eventually(() => server.app.jobs.events.subscriberCount(id) === 0)
  })

  it('disconnects a client that does not read, instead of buffering without limit', async () => {
    server = await buildTestApp({ SSE_MAX_BUFFER_BYTES: '1024' }, { listen: true, pipelines: [instantPipeline()] })
    const id = randomUUID()
    // A raw socket that never reads: the kernel buffers fill, then the server's write buffer.
    const { connect } = await import('node:net')
    const { port } = new URL(server.url)
    const socket = connect(Number(port), '127.0.0.1')
    socket.pause()
    socket.write(`GET /api/progress/${id} HTTP/1.1\r\nHost: x\r\n\r\n`)
    await eventually(() => server.app.jobs.events.subscriberCount(id) === 1)
    const connection = [...server.app.streams.open][0]
    // eslint-disable-next-line no-unmodified-loop-condition -- send() closes the connection once its queue is full
    for (let i = 0; i < 10_000 && connection && !connection.closed; i++) connection.send({ event: 'heartbeat', data: 'x'.repeat(1000) })
    expect(connection?.closed).toBe(true)
    await eventually(() => server.app.jobs.events.subscriberCount(id) === 0)
    socket.destroy()
  })
})
