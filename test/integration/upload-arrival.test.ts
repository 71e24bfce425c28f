/**
 * A job works while its upload is still arriving: it exists from the first bytes, its stream
 * shows the bytes received and the rows read before the last byte is sent, and the report read
 * on the arriving bytes equals the file's true totals. An upload cut off part-way, a file that
 * fails its first check mid-upload, form fields sent after the file, and a server killed while
 * an upload arrives are covered too.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../support/build-app.ts'
import { startChildServer } from '../support/child-server.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'
import { eventually, recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { gradualUpload, salesCsv } from '../support/gradual-upload.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function serve (env: Record<string, string> = {}): Promise<TestApp> {
  const server = await buildTestApp(env, { listen: true })
  cleanups.push(() => server.close())
  return server
}

const progressOf = (events: ReceivedEvent[]) => events.filter(event => event.type === 'progress')
interface UploadDetail { rows?: number, bytesReceived?: number, bytesExpected?: number, bytes?: number }
const detailOf = (event: ReceivedEvent) => (event.data.detail ?? {}) as UploadDetail

async function uploadsLeft (server: TestApp): Promise<string[]> {
  return await readdir(join(server.dataDir, 'uploads')).catch(() => [])
}

describe('a report job while its upload arrives', () => {
  it('exists from the first bytes, shows bytes and rows before the last byte, and reads every row', async () => {
    const server = await serve()
    const id = randomUUID()
    const { text, cents } = salesCsv(60_000)
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    cleanups.push(() => stream.close())
    await stream.waitForType('connected')
    const upload = gradualUpload(server.url, id, [{ field: 'period', value: 'month' }, { file: 'sales.csv', content: text }])
    upload.sendUntil(Math.floor(upload.bytes / 2))

    // Half the body is sent and the rest held back: the job must already be reading it.
    const during = await stream.waitFor(events => progressOf(events).some(event => event.data.stage === 'upload' && (detailOf(event).rows ?? 0) > 0), 15_000, 'rows read during the upload')
    const reading = progressOf(during).find(event => (detailOf(event).rows ?? 0) > 0) as ReceivedEvent
    expect(detailOf(reading).bytesReceived).toBeGreaterThan(0)
    expect(detailOf(reading).bytesReceived).toBeLessThanOrEqual(upload.bytes / 2)
    expect(detailOf(reading).bytesExpected).toBe(upload.bytes)
    expect(reading.data).toMatchObject({ status: 'running', stageIndex: 0 })
    const meanwhile = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as Record<string, unknown>
    expect(meanwhile).toMatchObject({ id, status: 'running', stage: 'upload' })
    expect(stream.received.some(event => event.type === 'complete')).toBe(false)

    upload.finish()
    expect(await upload.answered).toMatchObject({ status: 202, body: { id, pipeline: 'report' } })
    await stream.waitForType('complete', 60_000)
    const events = progressOf(stream.received)
    const percents = events.map(event => event.data.percent as number)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(events.some(event => event.data.phase === 'received' && detailOf(event).bytes === Buffer.byteLength(text))).toBe(true)

    const result = await (await fetch(`${server.url}/api/jobs/${id}/result`)).json() as { input: { rows: number, period: string }, totals: Record<string, number> }
    expect(result.input).toMatchObject({ rows: 60_000, period: 'month' })
    expect(Math.round((result.totals.Revenue ?? 0) * 100)).toBe(cents)
    await eventually(async () => (await uploadsLeft(server)).length === 0)
  }, 90_000)

  it('ends failed with upload_aborted when the client goes away part-way, and keeps no file', async () => {
    const server = await serve()
    const id = randomUUID()
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    cleanups.push(() => stream.close())
    const upload = gradualUpload(server.url, id, [{ file: 'sales.csv', content: salesCsv(40_000).text }])
    upload.sendUntil(Math.floor(upload.bytes / 3))
    await stream.waitFor(events => progressOf(events).some(event => (detailOf(event).bytesReceived ?? 0) > 0), 15_000, 'upload progress')
    upload.abort()

    const [failed] = (await stream.waitForType('failed', 15_000)).filter(event => event.type === 'failed')
    expect(failed?.data).toMatchObject({ code: 'upload_aborted', stage: 'upload' })
    const job = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as Record<string, unknown>
    expect(job).toMatchObject({ status: 'failed', error: { code: 'upload_aborted' } })
    await eventually(async () => (await uploadsLeft(server)).length === 0)
    // The server carries on: the next upload is taken.
    const next = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: formOf(salesCsv(100).text) })
    expect(next.status).toBe(202)
  }, 60_000)

  it('fails a file without dates while the rest is still uploading, and stores no more of it', async () => {
    const server = await serve()
    const id = randomUUID()
    const noDates = 'Customer,Revenue\n' + Array.from({ length: 200_000 }, (_, row) => `customer ${row},${row}.50`).join('\n') + '\n'
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    cleanups.push(() => stream.close())
    const upload = gradualUpload(server.url, id, [{ file: 'sales.csv', content: noDates }])
    upload.sendUntil(400 * 1024)

    const [failed] = (await stream.waitForType('failed', 15_000)).filter(event => event.type === 'failed')
    expect(failed?.data).toMatchObject({ stage: 'upload' })
    expect(String(failed?.data.message)).toMatch(/date/i)
    upload.finish()
    expect(await upload.answered).toMatchObject({ status: 202, body: { id, status: 'failed' } })
    await eventually(async () => (await uploadsLeft(server)).length === 0)
  }, 60_000)

  it('refuses a file no pipeline reads on its first bytes, before the rest is sent', async () => {
    const server = await serve()
    const id = randomUUID()
    // A compressed export sent as it is: gzip, whatever its name says.
    const compressed = gzipSync(randomBytes(1024 * 1024), { level: 0 })
    const upload = gradualUpload(server.url, id, [{ file: 'sales.csv', content: compressed }])
    upload.sendUntil(200 * 1024)
    const answer = await upload.answered
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_file_type' } })
    upload.abort()
    expect((await fetch(`${server.url}/api/jobs/${id}`)).status).toBe(404)
    await eventually(async () => (await uploadsLeft(server)).length === 0)
  }, 60_000)

  it('ends the job when a pipeline named after the file cannot take it, and keeps no file', async () => {
    const server = await serve()
    const id = randomUUID()
    const upload = gradualUpload(server.url, id, [{ file: 'sales.csv', content: salesCsv(20_000).text }, { field: 'pipeline', value: 'intake' }])
    upload.finish()
    expect(await upload.answered).toMatchObject({ status: 415, body: { error: 'unsupported_file_type' } })
    const job = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as Record<string, unknown>
    expect(job).toMatchObject({ status: 'failed', error: { code: 'unsupported_file_type', stage: 'upload' } })
    await eventually(async () => (await uploadsLeft(server)).length === 0)
  }, 60_000)

  it('reads the file again when fields sent after it change how it is read', async () => {
    const server = await serve()
    const id = randomUUID()
    const { text } = salesCsv(30_000, 'Date,Region,Revenue,Units')
    const upload = gradualUpload(server.url, id, [{ file: 'sales.csv', content: text }, { field: 'measures', value: 'Units' }, { field: 'regionColumn', value: 'none' }])
    upload.finish()
    expect((await upload.answered).status).toBe(202)
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    cleanups.push(() => stream.close())
    await stream.waitForType('complete', 60_000)
    const result = await (await fetch(`${server.url}/api/jobs/${id}/result`)).json() as { input: { rows: number, measures: string[], regionColumn: string | null }, totals: Record<string, number> }
    expect(result.input).toMatchObject({ rows: 30_000, measures: ['Units'], regionColumn: null })
    expect(result.totals).toEqual({ Units: Array.from({ length: 30_000 }, (_, row) => (row % 50) + 1).reduce((sum, units) => sum + units, 0) })
  }, 90_000)
})

describe('a job whose upload arrives while every worker is busy', () => {
  it('shows the bytes received while queued, then runs on the complete input', async () => {
    const gates = createGates()
    const server = await buildTestApp({ JOB_CONCURRENCY: '1' }, { listen: true, pipelines: [gatedPipeline(gates), instantPipeline()] })
    cleanups.push(() => server.close())
    const busy = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: formWith('gated', salesCsv(10).text) })
    const busyId = (await busy.json() as { id: string }).id
    await gates.arrived(busyId)

    const id = randomUUID()
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    cleanups.push(() => stream.close())
    const { text } = salesCsv(40_000)
    const upload = gradualUpload(server.url, id, [{ field: 'pipeline', value: 'instant' }, { file: 'sales.csv', content: text }])
    upload.sendUntil(Math.floor(upload.bytes / 2))
    const queued = await stream.waitFor(events => progressOf(events).some(event => event.data.status === 'queued' && (detailOf(event).bytesReceived ?? 0) > 0), 15_000, 'upload progress while queued')
    const shown = progressOf(queued).find(event => (detailOf(event).bytesReceived ?? 0) > 0) as ReceivedEvent
    expect(detailOf(shown).bytesReceived).toBeLessThanOrEqual(upload.bytes / 2)
    expect(String(shown.data.message)).toMatch(/Receiving the upload: .* MB of about .* MB/)

    upload.finish()
    expect(await upload.answered).toMatchObject({ status: 202, body: { id, status: 'queued' } })
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(busyId)
      gates.open(busyId)
    }
    await stream.waitForType('complete', 30_000)
    const result = await (await fetch(`${server.url}/api/jobs/${id}/result`)).json() as { files: string[] }
    expect(result).toMatchObject({ files: ['sales.csv'] })
    const job = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as { files: Array<{ bytes: number }> }
    expect(job.files).toEqual([{ name: 'sales.csv', type: 'text/csv', bytes: Buffer.byteLength(text) }])
  }, 60_000)
})

describe('a job whose upload arrives when the server dies', () => {
  it('is interrupted at the restart, with a message to upload again, and its partial file removed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-arrival-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const first = await startChildServer({ DATA_DIR: dataDir })
    const id = randomUUID()
    const upload = gradualUpload(first.url, id, [{ field: 'pipeline', value: 'instant' }, { file: 'sales.csv', content: salesCsv(40_000).text }])
    upload.sendUntil(Math.floor(upload.bytes / 2))
    // A pipeline that needs its whole input waits in its first stage, showing the bytes received.
    await eventually(async () => {
      const job = await (await fetch(`${first.url}/api/jobs/${id}`)).json() as { status?: string, message?: string }
      return job.status === 'running' && /Receiving the upload/.test(job.message ?? '')
    }, { timeoutMs: 15_000 })
    first.process.kill('SIGKILL')
    await first.exited
    upload.abort()

    const second = await startChildServer({ DATA_DIR: dataDir })
    cleanups.push(async () => { second.process.kill('SIGTERM'); await second.exited })
    const job = await (await fetch(`${second.url}/api/jobs/${id}`)).json() as Record<string, unknown>
    expect(job).toMatchObject({ status: 'interrupted', error: { code: 'interrupted' } })
    expect(String(job.message)).toMatch(/upload/i)
    await eventually(async () => (await readdir(join(dataDir, 'uploads'))).length === 0)
  }, 60_000)
})

function formOf (csv: string): FormData {
  const form = new FormData()
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'sales.csv')
  return form
}

function formWith (pipeline: string, csv: string): FormData {
  const form = new FormData()
  form.append('pipeline', pipeline)
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'sales.csv')
  return form
}
