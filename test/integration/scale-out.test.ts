/**
 * Scale-out on a real Redis: two API processes, two worker processes, one shared DATA_DIR.
 * A job posted to one API instance is streamed from the other and survives a reconnect; a
 * worker killed with SIGKILL mid-job loses nothing (another resumes it); DELETE on either API
 * instance stops the run on whichever worker has it; a worker shutting down hands its job back;
 * a worker reads a report while its upload is still arriving at an API instance.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTerminalType, recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { deletePrefix, REDIS_TEST_URL, redisIsAvailable, uniquePrefix } from '../support/redis.ts'
import { createGateControl, startCluster } from '../support/scale-out-cluster.ts'
import { eventually } from '../support/event-stream.ts'
import { csvForm } from '../support/build-app.ts'
import { gradualUpload, salesCsv } from '../support/gradual-upload.ts'

const available = await redisIsAvailable()
const prefix = uniquePrefix('scale-out')
let cluster: Awaited<ReturnType<typeof startCluster>>
let gates: ReturnType<typeof createGateControl>

beforeAll(async () => {
  if (!available) return
  cluster = await startCluster({ redisUrl: REDIS_TEST_URL, prefix })
  gates = createGateControl(REDIS_TEST_URL, prefix)
}, 60_000)

afterAll(async () => {
  if (!available) return
  gates?.close()
  await cluster?.stop()
  await deletePrefix(prefix)
}, 60_000)

const api = (index: 0 | 1) => cluster.apis[index]?.url ?? ''

async function upload (apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/jobs`, { method: 'POST', body: csvForm(undefined, { pipeline: 'redis-gated' }) })
  expect(response.status).toBe(202)
  return (await response.json() as { id: string }).id
}

const idsOf = (events: ReceivedEvent[]) => events.filter(event => event.id !== '').map(event => Number(event.id))
const dense = (count: number) => Array.from({ length: count }, (_, index) => index + 1)

describe.skipIf(!available)('scale-out: two API instances, two workers, Redis', () => {
  it('streams a job posted to A from B, and a reconnect to A with Last-Event-ID misses nothing', async () => {
    const id = await upload(api(0))
    const first = recordStream(`${api(1)}/api/progress/${id}`)
    for (let stage = 0; stage < 4; stage++) {
      await gates.arrived(id)
      await gates.open(id)
    }
    await gates.arrived(id)
    // queued + (started, finished) × 4 + started of the fifth stage
    await first.waitFor(events => idsOf(events).includes(10), 15_000, 'event 10 on instance B')
    first.close()
    const lastSeen = Math.max(...idsOf(first.received))

    await gates.open(id)
    for (let stage = 5; stage < 8; stage++) {
      await gates.arrived(id)
      await gates.open(id)
    }
    // A first connection cannot set the header from a browser, so the id goes in the query; the
    // client's own reconnects then send the Last-Event-ID header.
    const second = recordStream(`${api(0)}/api/progress/${id}?lastEventId=${lastSeen}`)
    const done = second.waitForType('complete', 20_000)
    await gates.openUntil(id, done)
    await done
    await second.waitClosed()
    second.close()

    const all = [...idsOf(first.received), ...idsOf(second.received)]
    expect(all).toEqual(dense(21))
    expect(second.received.at(-1)).toMatchObject({ type: 'complete', data: { jobId: id, percent: 100 } })
    const state = await (await fetch(`${api(1)}/api/jobs/${id}`)).json() as { status: string, lastEventId: number }
    expect(state).toMatchObject({ status: 'completed', lastEventId: 21 })
    const result = await fetch(`${api(0)}/api/jobs/${id}/result`)
    expect(result.status).toBe(200)
  }, 60_000)

  it('reads a report on a worker while its upload still arrives at an API instance', async () => {
    const id = randomUUID()
    const { text, cents } = salesCsv(60_000)
    const stream = recordStream(`${api(1)}/api/progress/${id}`)
    await stream.waitForType('connected')
    const sending = gradualUpload(api(0), id, [{ field: 'pipeline', value: 'report' }, { file: 'sales.csv', content: text }])
    sending.sendUntil(Math.floor(sending.bytes / 2))
    // Half the body is held back: the worker, in another process, must already be reading rows.
    await stream.waitFor(events => events.some(event => event.type === 'progress' && ((event.data.detail as { rows?: number } | undefined)?.rows ?? 0) > 0), 20_000, 'rows read on the worker during the upload')
    sending.finish()
    expect(await sending.answered).toMatchObject({ status: 202, body: { id, pipeline: 'report' } })
    const ended = await stream.waitFor(events => events.some(isTerminalType), 60_000, 'the job\'s end')
    stream.close()
    expect(ended.find(isTerminalType)).toMatchObject({ type: 'complete' })
    const result = await (await fetch(`${api(1)}/api/jobs/${id}/result`)).json() as { input: { rows: number }, totals: Record<string, number> }
    expect(result.input.rows).toBe(60_000)
    expect(Math.round((result.totals.Revenue ?? 0) * 100)).toBe(cents)
  }, 90_000)

  it('completes a job on the other worker after its worker is killed with SIGKILL mid-job', async () => {
    const id = await upload(api(0))
    const stream = recordStream(`${api(1)}/api/progress/${id}`)
    await gates.arrived(id)
    await gates.open(id)
    await gates.arrived(id)
    await gates.open(id)
    const { pid } = await gates.arrived(id)
    const victim = cluster.workers.find(worker => worker.pid === pid)
    expect(victim, `the gate reports pid ${pid}, one of our workers`).toBeDefined()
    victim?.child.kill('SIGKILL')
    await victim?.exited

    const done = stream.waitFor(events => events.some(isTerminalType), 45_000, 'the job to end')
    await gates.openUntil(id, done)
    await done
    stream.close()
    const events = stream.received.filter(event => event.id !== '')
    expect(events.at(-1)?.type).toBe('complete')
    expect(idsOf(events)).toEqual(dense(events.length))
    const resumed = events.find(event => (event.data.detail as { resumed?: boolean } | undefined)?.resumed)
    expect(resumed?.data.message).toMatch(/resumed on another worker/)
    const percents = events.map(event => event.data.percent as number)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))

    cluster.workers.splice(cluster.workers.indexOf(victim!), 1)
    await cluster.addWorker()
  }, 90_000)

  it('cancels, through DELETE on B, a job running on a worker', async () => {
    const id = await upload(api(0))
    const stream = recordStream(`${api(0)}/api/progress/${id}`)
    await gates.arrived(id)
    await gates.open(id)
    const { pid } = await gates.arrived(id)
    const response = await fetch(`${api(1)}/api/jobs/${id}`, { method: 'DELETE' })
    expect(response.status).toBe(204)
    await stream.waitForType('cancelled', 10_000)
    stream.close()
    // The stage really stopped on the worker that ran it, not just the record.
    expect(await eventually(() => gates.abortedBy(id), { timeoutMs: 10_000 })).toBe(pid)
    const state = await (await fetch(`${api(0)}/api/jobs/${id}`)).json() as { status: string }
    expect(state.status).toBe('cancelled')
  }, 60_000)

  it('hands a running job back to the queue when its worker shuts down, and another finishes it', async () => {
    const id = await upload(api(1))
    const stream = recordStream(`${api(0)}/api/progress/${id}`)
    await gates.arrived(id)
    await gates.open(id)
    const { pid } = await gates.arrived(id)
    const leaving = cluster.workers.find(worker => worker.pid === pid)
    expect(leaving).toBeDefined()
    leaving?.child.kill('SIGTERM')
    expect(await leaving?.exited).toBe(0)

    const done = stream.waitFor(events => events.some(isTerminalType), 30_000, 'the job to end')
    await gates.openUntil(id, done)
    await done
    stream.close()
    const handedBack = stream.received.find(event => event.type === 'progress' && event.data.status === 'queued' && String(event.data.message).includes('shutting down'))
    expect(handedBack).toBeDefined()
    expect(stream.received.at(-1)?.type).toBe('complete')
    cluster.workers.splice(cluster.workers.indexOf(leaving!), 1)
    await cluster.addWorker()
  }, 60_000)
})
