/**
 * A worker leaving mid-job, in Redis mode, as the progress stream sees it: a job whose worker
 * is killed resumes on another within WORKER_LOCK_MS + 1 s, and a worker that shuts down while
 * its job writes progress fast hands it back at the job's latest percent — the stream's
 * percent never goes down, from the first event to `complete`.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvForm } from '../support/build-app.ts'
import { isTerminalType, recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { deletePrefix, REDIS_TEST_URL, redisIsAvailable, uniquePrefix } from '../support/redis.ts'
import { createGateControl, startCluster } from '../support/scale-out-cluster.ts'

const available = await redisIsAvailable()
const prefix = uniquePrefix('handback')
const LOCK_MS = 2000
let cluster: Awaited<ReturnType<typeof startCluster>>
let gates: ReturnType<typeof createGateControl>

beforeAll(async () => {
  if (!available) return
  cluster = await startCluster({ redisUrl: REDIS_TEST_URL, prefix, apis: 1, workers: 2, env: { WORKER_LOCK_MS: String(LOCK_MS), SHUTDOWN_GRACE_SECONDS: '1' } })
  gates = createGateControl(REDIS_TEST_URL, prefix)
}, 60_000)

afterAll(async () => {
  if (!available) return
  gates?.close()
  await cluster?.stop()
  await deletePrefix(prefix)
}, 60_000)

const api = () => cluster.apis[0]?.url ?? ''

async function upload (fields: Record<string, string>): Promise<string> {
  const response = await fetch(`${api()}/api/jobs`, { method: 'POST', body: csvForm(undefined, fields) })
  expect(response.status).toBe(202)
  return (await response.json() as { id: string }).id
}

/** The pid of the worker holding a job: its claim's owner is `<host>:<pid>/<token>`. */
async function ownerPid (id: string): Promise<number> {
  const redis = new Redis(REDIS_TEST_URL)
  try {
    const owner = await redis.hget(`${prefix}:job:${id}`, 'owner') ?? ''
    return Number(/:(\d+)\//.exec(owner)?.[1] ?? 0)
  } finally {
    redis.disconnect()
  }
}

const numbered = (events: ReceivedEvent[]) => events.filter(event => event.id !== '')

function expectNeverBackwards (events: ReceivedEvent[]) {
  const percents = numbered(events).map(event => Number(event.data.percent ?? 100))
  expect(percents).toEqual([...percents].sort((a, b) => a - b))
  expect(numbered(events).map(event => Number(event.id))).toEqual(Array.from({ length: numbered(events).length }, (_, index) => index + 1))
}

describe.skipIf(!available)('worker hand-back (Redis mode)', () => {
  it(`resumes a killed worker's job on another worker within WORKER_LOCK_MS + 1 s (${LOCK_MS} ms lock)`, async ({ onTestFailed }) => {
    onTestFailed(() => { for (const proc of cluster.workers) console.error(`--- ${proc.name}\n${proc.output().slice(-4000)}`) })
    const id = await upload({ pipeline: 'redis-gated' })
    const stream = recordStream(`${api()}/api/progress/${id}`)
    await gates.arrived(id)
    await gates.open(id)
    const { pid } = await gates.arrived(id)
    const victim = cluster.workers.find(worker => worker.pid === pid)
    expect(victim, `the gate reports pid ${pid}, one of our workers`).toBeDefined()
    victim?.child.kill('SIGKILL')
    await victim?.exited
    const killedAt = Date.now()

    const resumed = await stream.waitFor(events => events.some(event => (event.data.detail as { resumed?: boolean } | undefined)?.resumed), LOCK_MS * 5, 'the resumed event')
    const resumedAt = Date.now()
    expect(resumed).toBeDefined()
    expect(resumedAt - killedAt).toBeLessThan(LOCK_MS + 1000)

    const done = stream.waitFor(events => events.some(isTerminalType), 30_000, 'the job to end')
    await gates.openUntil(id, done)
    await done
    stream.close()
    expect(numbered(stream.received).at(-1)?.type).toBe('complete')
    expectNeverBackwards(stream.received)

    cluster.workers.splice(cluster.workers.indexOf(victim!), 1)
    await cluster.addWorker()
  }, 60_000)

  it('hands a job back at its latest percent when its worker shuts down mid-progress, and the stream never goes backwards', async ({ onTestFailed }) => {
    onTestFailed(() => { for (const proc of cluster.workers) console.error(`--- ${proc.name}\n${proc.output().slice(-4000)}`) })
    // Progress every 10–30 ms for ~4 s (longer than the 1 s grace): the worker's own view of its
    // events lags its runner by several.
    const id = await upload({ pipeline: 'ticker', ticks: '400', tickMs: '10' })
    const stream = recordStream(`${api()}/api/progress/${id}`)
    await stream.waitFor(events => numbered(events).length >= 10, 15_000, 'ticker progress')
    const pid = await ownerPid(id)
    const runner = cluster.workers.find(worker => worker.pid === pid)
    expect(runner, `the job's owner is pid ${pid}, one of our workers`).toBeDefined()
    runner?.child.kill('SIGTERM')
    expect(await runner?.exited).toBe(0)

    await stream.waitFor(events => events.some(isTerminalType), 30_000, 'the job to end')
    stream.close()
    const handedBack = stream.received.find(event => event.data.status === 'queued' && String(event.data.message).includes('shutting down'))
    expect(handedBack, 'the hand-back event').toBeDefined()
    const before = numbered(stream.received).filter(event => Number(event.id) < Number(handedBack?.id))
    expect(handedBack?.data.percent).toBe(Math.max(...before.map(event => Number(event.data.percent))))
    expect(numbered(stream.received).at(-1)?.type).toBe('complete')
    expectNeverBackwards(stream.received)

    cluster.workers.splice(cluster.workers.indexOf(runner!), 1)
    await cluster.addWorker()
  }, 60_000)
})
