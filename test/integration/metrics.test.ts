/**
 * `/metrics` against real jobs and streams: every figure asked for (jobs by pipeline and status,
 * stage durations, open streams, events sent, bytes uploaded, queue depth, store latency) moves
 * as the job system works, and label values stay bounded (route patterns, never job ids).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { eventually, recordStream } from '../support/event-stream.ts'
import { createGates, gatedPipeline, TEN_STAGES } from '../support/test-pipelines.ts'

let server: TestApp
afterEach(async () => { await server?.close() })

interface Sample { name: string, labels: Record<string, string>, value: number }

/** The samples of a Prometheus text exposition. */
function parseMetrics (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match?.[1] || !match[3]) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key as string] = value as string
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return samples
}

async function scrape () {
  const response = await fetch(`${server.url}/metrics`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  const samples = parseMetrics(await response.text())
  return (name: string, labels: Record<string, string> = {}) => samples
    .filter(sample => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((total, sample) => total + sample.value, 0)
}

async function upload (content?: string) {
  const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm(content) })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, links: { events: string } }
}

describe('metrics', () => {
  it('follows a job: status counts, a duration per stage, uploaded bytes, events sent, open streams, store latency', async () => {
    const gates = createGates()
    server = await buildTestApp({}, { listen: true, pipelines: [gatedPipeline(gates)] })
    const content = 'date,region,revenue\n2024-01-01,North,10\n'
    const { id, links } = await upload(content)
    const stream = recordStream(server.url + links.events)
    await stream.waitForType('connected')
    await gates.arrived(id)

    let metric = await scrape()
    expect(metric('stagecast_jobs_submitted_total', { pipeline: 'gated' })).toBe(1)
    expect(metric('stagecast_jobs_active', { pipeline: 'gated', status: 'running' })).toBe(1)
    expect(metric('stagecast_uploaded_bytes_total', { pipeline: 'gated' })).toBe(Buffer.byteLength(content))
    expect(metric('stagecast_uploaded_files_total', { pipeline: 'gated' })).toBe(1)
    expect(metric('stagecast_sse_streams_open')).toBe(1)

    for (let stage = 0; stage < TEN_STAGES.length; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete')
    stream.close()
    await eventually(() => server.app.streams.open.size === 0)

    metric = await scrape()
    expect(metric('stagecast_jobs_finished_total', { pipeline: 'gated', status: 'completed' })).toBe(1)
    expect(metric('stagecast_jobs_active', { pipeline: 'gated' })).toBe(0)
    for (const [stage] of TEN_STAGES) {
      expect(metric('stagecast_stage_duration_seconds_count', { pipeline: 'gated', stage, outcome: 'completed' }), stage).toBe(1)
    }
    const received = (type: string) => stream.received.filter(event => event.type === type).length
    expect(metric('stagecast_sse_messages_sent_total', { event: 'progress' })).toBe(received('progress'))
    expect(metric('stagecast_sse_messages_sent_total', { event: 'connected' })).toBe(1)
    expect(metric('stagecast_sse_messages_sent_total', { event: 'complete' })).toBe(1)
    expect(metric('stagecast_sse_streams_open')).toBe(0)
    // Every event the stream got was written by this process, the queued one (seq 1) included.
    expect(metric('stagecast_job_events_written_total', { type: 'progress' })).toBe(received('progress'))
    expect(metric('stagecast_job_events_written_total', { type: 'complete' })).toBe(1)
    expect(metric('process_resident_memory_bytes')).toBeGreaterThan(0)
  })

  it('reports queue depth, failed jobs with the stage they failed in, and HTTP requests by route pattern', async () => {
    const gates = createGates()
    server = await buildTestApp({ JOB_CONCURRENCY: '1' }, { listen: true, pipelines: [gatedPipeline(gates, { failAt: 'validation' })] })
    const first = await upload()
    await upload()
    await upload()
    await gates.arrived(first.id)

    let metric = await scrape()
    expect(metric('stagecast_queue_depth')).toBe(2)
    expect(metric('stagecast_jobs_active', { status: 'queued' })).toBe(2)
    expect(metric('stagecast_jobs_active', { status: 'running' })).toBe(1)

    gates.open(first.id)
    await gates.arrived(first.id)
    gates.open(first.id)
    await eventually(async () => (await (await fetch(`${server.url}/api/jobs/${first.id}`)).json()).status === 'failed')

    metric = await scrape()
    expect(metric('stagecast_jobs_finished_total', { pipeline: 'gated', status: 'failed' })).toBe(1)
    expect(metric('stagecast_stage_duration_seconds_count', { stage: 'validation', outcome: 'failed' })).toBe(1)
    expect(metric('stagecast_stage_duration_seconds_count', { stage: 'upload', outcome: 'completed' })).toBe(1)
    expect(metric('stagecast_http_request_duration_seconds_count', { method: 'POST', route: '/api/jobs', status_code: '202' })).toBe(3)
    expect(metric('stagecast_http_request_duration_seconds_count', { method: 'GET', route: '/api/jobs/:id' })).toBeGreaterThanOrEqual(1)
    const body = await (await fetch(`${server.url}/metrics`)).text()
    expect(body).not.toContain(first.id)
  })
})
