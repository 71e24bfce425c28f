/**
 * Redis stopped and restarted mid-job, on a private redis-server (AOF on) so the shared one is
 * never touched. While it is down: /ready answers 503, uploads get a clear 503, open streams
 * keep heartbeating. When it is back: the jobs complete and the streams resume — nothing
 * accepted is lost, no event is duplicated, no stream hangs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvForm } from '../support/build-app.ts'
import { isTerminalType, recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { redisIsAvailable, startOwnRedis, type OwnRedis } from '../support/redis.ts'
import { createGateControl, startCluster } from '../support/scale-out-cluster.ts'

// The private server needs the redis-server binary, which CI installs with the shared one.
const available = await redisIsAvailable()

const ids = (events: ReceivedEvent[]) => events.filter(event => event.id !== '').map(event => Number(event.id))

async function upload (url: string, fields: Record<string, string>) {
  return await fetch(`${url}/api/jobs`, { method: 'POST', body: csvForm(undefined, fields) })
}

const cases = [
  { lockMs: 30_000, title: 'with a worker lock longer than the outage, the worker keeps its jobs', handedBack: false },
  { lockMs: 2000, title: 'with a worker lock shorter than the outage, jobs are handed back and resumed', handedBack: true }
]

describe.skipIf(!available).each(cases)('Redis stopped and restarted mid-job: $title', ({ lockMs, handedBack }) => {
  let redis: OwnRedis
  let cluster: Awaited<ReturnType<typeof startCluster>>
  let gates: ReturnType<typeof createGateControl>

  beforeAll(async () => {
    redis = await startOwnRedis()
    cluster = await startCluster({
      redisUrl: redis.url,
      prefix: 'stagecast-outage',
      apis: 1,
      workers: 1,
      env: { HEARTBEAT_SECONDS: '1', IDLE_TIMEOUT_SECONDS: '30', WORKER_LOCK_MS: String(lockMs) }
    })
    gates = createGateControl(redis.url, 'stagecast-outage')
  }, 60_000)

  afterAll(async () => {
    gates?.close()
    await cluster?.stop()
    await redis?.destroy()
  }, 60_000)

  it('keeps streams alive, answers 503 meanwhile, and completes every accepted job', async ({ onTestFailed }) => {
    onTestFailed(() => { for (const proc of [...cluster.apis, ...cluster.workers]) console.error(`--- ${proc.name}\n${proc.output().slice(-6000)}`) })
    const api = cluster.apis[0]?.url ?? ''
    const gated = await (await upload(api, { pipeline: 'redis-gated' })).json() as { id: string }
    const gatedStream = recordStream(`${api}/api/progress/${gated.id}`)
    for (let stage = 0; stage < 2; stage++) {
      await gates.arrived(gated.id)
      await gates.open(gated.id)
    }
    await gates.arrived(gated.id)
    // A job that writes progress every 100 ms, so the outage falls in the middle of its writes.
    const ticker = await (await upload(api, { pipeline: 'ticker', ticks: '60', tickMs: '100' })).json() as { id: string }
    const tickerStream = recordStream(`${api}/api/progress/${ticker.id}`)
    await tickerStream.waitFor(events => ids(events).length >= 5, 10_000, 'ticker progress')

    await redis.stop()
    const heartbeatsBefore = gatedStream.received.filter(event => event.type === 'heartbeat').length
    expect((await fetch(`${api}/ready`)).status).toBe(503)
    const refused = await upload(api, { pipeline: 'instant' })
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({ error: 'store_unavailable', message: expect.stringMatching(/Redis/) })
    await gatedStream.waitFor(events => events.filter(event => event.type === 'heartbeat').length >= heartbeatsBefore + 2, 10_000, 'heartbeats during the outage')
    expect(gatedStream.received.some(isTerminalType)).toBe(false)

    await redis.start()
    await gates.open(gated.id) // the stage that reached its gate before the outage
    const gatedDone = gatedStream.waitFor(events => events.some(isTerminalType), 60_000, 'the gated job to end')
    await gates.openUntil(gated.id, gatedDone)
    await gatedDone
    await tickerStream.waitFor(events => events.some(isTerminalType), 60_000, 'the ticker job to end')
    gatedStream.close()
    tickerStream.close()

    for (const stream of [gatedStream, tickerStream]) {
      const seen = ids(stream.received)
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, index) => index + 1))
      expect(stream.received.filter(event => event.id !== '').at(-1)?.type).toBe('complete')
    }
    const handBacks = [...gatedStream.received, ...tickerStream.received].filter(event => String(event.data.message).includes('lost contact with Redis'))
    if (handedBack) expect(handBacks.length).toBeGreaterThan(0)
    else expect(handBacks).toEqual([])
    expect((await fetch(`${api}/ready`)).status).toBe(200)
  }, 120_000)
})
