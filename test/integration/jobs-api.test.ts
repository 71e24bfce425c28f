/**
 * The REST side of CONTRACT.md through `inject`: the route table, the job lifecycle, and a
 * clear 4xx `{ error, message }` for bad input to every route, with the server still up.
 */
import { randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { eventually } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp
afterEach(async () => { await server?.close() })

/** Multipart bodies for inject, built by the platform's own FormData encoder. */
async function multipart (form: FormData) {
  const request = new Request('http://x/', { method: 'POST', body: form })
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') as string } }
}

async function post (form: FormData, headers: Record<string, string> = {}) {
  const body = await multipart(form)
  return server.app.inject({ method: 'POST', url: '/api/jobs', payload: body.payload, headers: { ...body.headers, ...headers } })
}

const CONTRACT_ROUTES = [
  ['POST', '/api/jobs'], ['GET', '/api/jobs'], ['GET', '/api/jobs/:id'], ['GET', '/api/jobs/:id/result'],
  ['GET', '/api/jobs/:id/report.pdf'], ['DELETE', '/api/jobs/:id'], ['GET', '/api/progress/:id'],
  ['GET', '/health'], ['GET', '/ready']
] as const

describe('route table', () => {
  it('registers every route of the contract (a handler that is never routed is the bug that cost a day)', async () => {
    server = await buildTestApp({}, { pipelines: [instantPipeline()] })
    const missing = CONTRACT_ROUTES.filter(([method, url]) => !server.app.hasRoute({ method, url }))
    expect(missing).toEqual([])
  })
})

describe('jobs API', () => {
  it('accepts an upload with 202, Location and links, runs it, and serves state and result', async () => {
    server = await buildTestApp({}, { pipelines: [instantPipeline()] })
    const response = await post(csvForm(undefined, { team: 'finance' }))
    expect(response.statusCode).toBe(202)
    const body = response.json()
    expect(response.headers.location).toBe(`/api/jobs/${body.id}`)
    expect(body).toMatchObject({ pipeline: 'instant', status: 'queued', links: { self: `/api/jobs/${body.id}`, events: `/api/progress/${body.id}`, result: `/api/jobs/${body.id}/result` } })

    const job = await eventually(async () => {
      const state = (await server.app.inject(`/api/jobs/${body.id}`)).json()
      return state.status === 'completed' ? state : undefined
    })
    expect(job).toMatchObject({ percent: 100, stage: 'complete', error: null, expiresAt: expect.any(String) })
    expect(job.stages).toHaveLength(10)
    expect(job.stages.every((stage: { startedAt: string, finishedAt: string }) => stage.startedAt && stage.finishedAt)).toBe(true)
    const result = await server.app.inject(`/api/jobs/${body.id}/result`)
    expect(result.json()).toEqual({ pipeline: 'instant', files: ['sales.csv'], fields: { team: 'finance' } })
    const list = (await server.app.inject('/api/jobs?status=completed&limit=5')).json()
    expect(list.jobs.map((listed: { id: string }) => listed.id)).toContain(body.id)
    // The upload itself is removed right after the job has ended (just after its terminal event).
    await eventually(async () => (await readdir(join(server.dataDir, 'uploads'))).length === 0)
  })

  it('uses a client-chosen X-Job-Id, and refuses to reuse it', async () => {
    server = await buildTestApp({}, { pipelines: [instantPipeline()] })
    const id = randomUUID()
    expect((await post(csvForm(), { 'x-job-id': id })).json().id).toBe(id)
    const again = await post(csvForm(), { 'x-job-id': id })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ error: 'job_id_in_use' })
  })

  it('answers 409 job_not_finished for the result of a running job, then cancels it with DELETE', async () => {
    const gates = createGates()
    server = await buildTestApp({}, { pipelines: [gatedPipeline(gates)] })
    const { id } = (await post(csvForm())).json()
    await gates.arrived(id)
    // The stage's start is committed with the next batch of writes, a moment after it began.
    await eventually(async () => (await server.app.inject(`/api/jobs/${id}`)).json<{ status: string }>().status === 'running')
    const early = await server.app.inject(`/api/jobs/${id}/result`)
    expect(early.statusCode).toBe(409)
    expect(early.json()).toMatchObject({ error: 'job_not_finished', status: 'running' })
    expect((await server.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` })).statusCode).toBe(204)
    const job = (await server.app.inject(`/api/jobs/${id}`)).json()
    expect(job).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } })
    // DELETE of a finished job removes its data; the id then answers 410.
    expect((await server.app.inject({ method: 'DELETE', url: `/api/jobs/${id}` })).statusCode).toBe(204)
    expect((await server.app.inject(`/api/jobs/${id}`)).statusCode).toBe(410)
  })

  it('marks a job whose stage stops reporting for STALL_TIMEOUT_SECONDS as interrupted, with a clear error', async () => {
    const gates = createGates()
    server = await buildTestApp({ STALL_TIMEOUT_SECONDS: '1', SWEEP_INTERVAL_MS: '50' }, { pipelines: [gatedPipeline(gates)] })
    const { id } = (await post(csvForm())).json()
    await gates.arrived(id)
    const job = await eventually(async () => {
      const state = (await server.app.inject(`/api/jobs/${id}`)).json()
      return state.status === 'interrupted' ? state : undefined
    })
    expect(job.error).toMatchObject({ code: 'interrupted', stage: 'upload' })
    expect(job.message).toMatch(/stopped reporting progress/)
    expect(job.stages[0].status).toBe('interrupted')
  })

  it('reports a failing stage by name with the user\'s message', async () => {
    const gates = createGates()
    server = await buildTestApp({}, { pipelines: [gatedPipeline(gates, { failAt: 'validation' })] })
    const { id } = (await post(csvForm())).json()
    for (let i = 0; i < 2; i++) { await gates.arrived(id); gates.open(id) }
    const job = await eventually(async () => {
      const state = (await server.app.inject(`/api/jobs/${id}`)).json()
      return state.status === 'failed' ? state : undefined
    })
    expect(job.error).toEqual({ code: 'bad_row', stage: 'validation', message: 'Row 7 has no date. Fill in the date column and upload again.', location: { row: 7 } })
  })
})

describe('bad input gets a clear 4xx and the server stays up', () => {
  const cases: Array<[string, () => Promise<{ statusCode: number, json: () => { error: string, message: string } }>, number]> = [
    ['upload without multipart', () => server.app.inject({ method: 'POST', url: '/api/jobs', payload: { a: 1 } }), 415],
    ['upload with no file', async () => { const form = new FormData(); form.append('team', 'x'); return post(form) }, 400],
    ['upload of an empty file', () => post(csvForm('')), 400],
    ['upload of a type no pipeline accepts', () => post(csvForm('\u0000\u0001\u0002binary\u0000')), 415],
    ['upload naming an unknown pipeline', () => post(csvForm(undefined, { pipeline: 'nope' })), 400],
    ['upload with a malformed X-Job-Id', () => post(csvForm(), { 'x-job-id': 'not-a-uuid' }), 400],
    ['upload over MAX_UPLOAD_BYTES', () => post(csvForm('date,value\n' + '2024-01-01,1\n'.repeat(2000))), 413],
    ['upload whose multipart body ends early', () => server.app.inject({ method: 'POST', url: '/api/jobs', headers: { 'content-type': 'multipart/form-data; boundary=b' }, payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ndate,value\n' }), 400],
    ['upload declaring multipart without a boundary', () => server.app.inject({ method: 'POST', url: '/api/jobs', headers: { 'content-type': 'multipart/form-data' }, payload: 'date,value\n' }), 400],
    ['upload with a form field over 64 KiB', () => post(csvForm(undefined, { note: 'x'.repeat(65 * 1024) })), 413],
    ['upload with a file in the wrong field', async () => { const form = new FormData(); form.append('document', new Blob(['a,b\n1,2\n']), 'a.csv'); return post(form) }, 400],
    ['state of a malformed id', () => server.app.inject('/api/jobs/123'), 400],
    ['state of an unknown id', () => server.app.inject(`/api/jobs/${randomUUID()}`), 404],
    ['result of an unknown id', () => server.app.inject(`/api/jobs/${randomUUID()}/result`), 404],
    ['report.pdf of an unknown id', () => server.app.inject(`/api/jobs/${randomUUID()}/report.pdf`), 404],
    ['DELETE of an unknown id', () => server.app.inject({ method: 'DELETE', url: `/api/jobs/${randomUUID()}` }), 404],
    ['list with a bad status', () => server.app.inject('/api/jobs?status=exploded'), 400],
    ['list with a bad limit', () => server.app.inject('/api/jobs?limit=100000'), 400],
    ['stream with a malformed id', () => server.app.inject('/api/progress/..%2F..%2Fetc'), 400],
    ['stream with a bad Last-Event-ID', () => server.app.inject({ url: `/api/progress/${randomUUID()}`, headers: { 'last-event-id': '-1' } }), 400],
    ['an unknown route', () => server.app.inject('/api/nothing-here'), 404]
  ]

  it.each(cases)('%s', async (_name, send, status) => {
    server = await buildTestApp({ MAX_UPLOAD_BYTES: '10000' }, { pipelines: [instantPipeline()] })
    const response = await send()
    expect(response.statusCode).toBe(status)
    const body = response.json()
    expect(body.error).toMatch(/^[a-z_]+$/)
    expect(body.message.length).toBeGreaterThan(10)
    expect(JSON.stringify(body)).not.toMatch(/\/tmp|at .*\.ts:\d+/)
    expect((await server.app.inject('/health')).statusCode).toBe(200)
    // Nothing of a refused upload stays on disk.
    expect(await readdir(join(server.dataDir, 'uploads')).catch(() => [])).toEqual([])
  })
})
