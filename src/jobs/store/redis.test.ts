/**
 * The Redis store: the shared JobStore contract suite (the same one the memory store runs),
 * then what only a shared store has to get right — several processes (here: several store
 * instances, each with its own connections) writing and watching the same jobs.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../../test/support/event-stream.ts'
import { deletePrefix, REDIS_TEST_URL, redisIsAvailable, uniquePrefix } from '../../../test/support/redis.ts'
import { describeJobStore, newJob, progress } from '../../../test/support/store-contract.ts'
import type { JobEvent } from '../model.ts'
import { createRedisStore, type RedisJobStore } from './redis.ts'

const available = await redisIsAvailable()
const silent = pino({ level: 'silent' })
const prefixes: string[] = []
const open: RedisJobStore[] = []

async function makeStore (prefix: string, retention = { jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400 }) {
  const store = await createRedisStore({ url: REDIS_TEST_URL, prefix, log: silent, sweepIntervalMs: 50, ...retention })
  open.push(store)
  return store
}

/** Two stores on one prefix behave like two processes of one deployment. */
async function twoProcesses () {
  const prefix = uniquePrefix('store')
  prefixes.push(prefix)
  return [await makeStore(prefix), await makeStore(prefix)] as const
}

afterEach(async () => { await Promise.all(open.splice(0).map(store => store.close())) })
afterAll(async () => { if (available) await Promise.all(prefixes.map(prefix => deletePrefix(prefix))) })

describe.skipIf(!available)('redis store', () => {
  describeJobStore('redis', retention => {
    const prefix = uniquePrefix('contract')
    prefixes.push(prefix)
    return createRedisStore({ url: REDIS_TEST_URL, prefix, log: silent, sweepIntervalMs: 50, ...retention })
  })

  it('delivers events appended by one process to subscribers of another, in order, with replay and no gap', async () => {
    const [writer, watcher] = await twoProcesses()
    const { id } = await writer.create(newJob())
    await writer.append(id, progress(0, 0))
    const live: JobEvent[] = []
    const unsubscribe = watcher.subscribe(id, event => live.push(event))
    const replayed = await watcher.readEventsAfter(id, 0)
    for (let percent = 1; percent <= 20; percent++) await writer.append(id, progress(1, percent, 'advanced'))
    await writer.append(id, { type: 'complete', percent: 100 })
    await eventually(() => live.at(-1)?.type === 'complete')
    unsubscribe()
    const seen = new Map([...replayed, ...live].map(event => [event.seq, event]))
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, index) => index + 1))
    expect(live.map(event => event.seq)).toEqual([...live.map(event => event.seq)].sort((a, b) => a - b))
  })

  it('serves every subscriber of a process from one blocking connection', async () => {
    const [writer, watcher] = await twoProcesses()
    const jobs = await Promise.all(Array.from({ length: 5 }, () => writer.create(newJob())))
    const received = new Map<string, number>()
    const stops = jobs.flatMap(job => Array.from({ length: 40 }, () => watcher.subscribe(job.id, () => received.set(job.id, (received.get(job.id) ?? 0) + 1))))
    // Wait until all five streams are in the reader's XREAD, then write to each.
    await eventually(async () => {
      await Promise.all(jobs.map(job => writer.append(job.id, progress(0, 1, 'advanced'))))
      return jobs.every(job => (received.get(job.id) ?? 0) >= 40)
    }, { timeoutMs: 5000, intervalMs: 100 })
    const admin = new Redis(REDIS_TEST_URL)
    const clients = (await admin.client('LIST') as string).split('\n').filter(line => / name=stagecast-test-store-\S+:events /.test(line))
    admin.disconnect()
    expect(clients).toHaveLength(2)
    for (const stop of stops) stop()
    expect(watcher.subscriberCount(jobs[0]?.id ?? '')).toBe(0)
  })

  it('keeps the log dense when two processes append at once, and nothing follows a terminal event', async () => {
    const [a, b] = await twoProcesses()
    const { id } = await a.create(newJob())
    await Promise.all(Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? a : b).append(id, progress(1, index, 'advanced'))))
    const cancelled = await b.append(id, { type: 'cancelled', message: 'stop' })
    expect(await a.append(id, progress(2, 99))).toBeNull()
    const events = await a.readEventsAfter(id, 0)
    expect(events.map(event => event.seq)).toEqual(Array.from({ length: 32 }, (_, index) => index + 1))
    expect(cancelled?.seq).toBe(32)
    const lookup = await b.get(id)
    expect(lookup).toMatchObject({ state: 'found', job: { status: 'cancelled', seq: 32 } })
  })

  it('fences a worker that lost its claim, while the API can still cancel', async () => {
    const [api, worker] = await twoProcesses()
    const { id } = await api.create(newJob())
    expect(await worker.claim(id, 'w1')).toMatchObject({ job: { id, status: 'queued' }, stagesDone: 0, hasResult: false })
    expect(await worker.ownedBy('w1').append(id, progress(0, 0))).toMatchObject({ seq: 2 })
    await worker.claim(id, 'w2')
    expect(await worker.ownedBy('w1').append(id, progress(1, 10))).toBeNull()
    expect(await worker.checkpoint(id, 'w1', 3)).toBe(false)
    expect(await worker.release(id, 'w2', 'Waiting')).toMatchObject({ seq: 3 })
    expect(await worker.ownedBy('w2').append(id, progress(1, 10))).toBeNull()
    expect(await worker.peek(id)).toEqual({ status: 'queued', owner: null })
    expect(await api.append(id, { type: 'cancelled', message: 'stop' })).toMatchObject({ seq: 4 })
    expect(await worker.claim(id, 'w3')).toBeNull()
  })

  it('builds a hand-back from the stored snapshot, not from what the releasing process last saw', async () => {
    const [api, worker] = await twoProcesses()
    const { id } = await api.create(newJob())
    await worker.claim(id, 'w1')
    const owned = worker.ownedBy('w1')
    await owned.append(id, progress(0, 10))
    await owned.append(id, progress(1, 40))
    // Written by another process: this worker's cached snapshot is now behind the store.
    await api.append(id, progress(2, 70, 'advanced'))
    const handedBack = await worker.release(id, 'w1', 'Waiting for a worker')
    expect(handedBack).toMatchObject({ type: 'progress', phase: 'queued', status: 'queued', stage: 'complete', stageIndex: 2, stageCount: 3, percent: 70, message: 'Waiting for a worker' })
    const percents = (await api.readEventsAfter(id, 0)).map(event => 'percent' in event ? event.percent : -1)
    expect(percents).toEqual([0, 10, 40, 70, 70])
    expect(await worker.peek(id)).toEqual({ status: 'queued', owner: null })
  })

  it('tells the next owner which stages an earlier run checkpointed and whether a result was saved', async () => {
    const [api, worker] = await twoProcesses()
    const { id } = await api.create(newJob())
    await worker.claim(id, 'w1')
    expect(await worker.checkpoint(id, 'w1', 3)).toBe(true)
    await worker.saveResult(id, { total: 1 })
    expect(await worker.claim(id, 'w2')).toMatchObject({ job: { id }, stagesDone: 3, hasResult: true })
    expect(await worker.checkpoint(id, 'w1', 1)).toBe(false)
    // The checkpoint belonged to w1's run: whoever claims after w2 learns nothing from it.
    expect(await worker.claim(id, 'w2b')).toMatchObject({ job: { id }, stagesDone: 0, hasResult: true })
    expect(await worker.checkpoint(id, 'w2b', 3)).toBe(true)
    await api.append(id, { type: 'cancelled', message: 'stop' })
    expect(await worker.checkpoint(id, 'w2b', 3)).toBe(false)
    expect(await worker.claim(id, 'w3')).toBeNull()
  })

  it('pins unfinished jobs and gives finished ones a key expiry that reads extend', async () => {
    const prefix = uniquePrefix('ttl')
    prefixes.push(prefix)
    const store = await makeStore(prefix, { jobTtlSeconds: 60, tombstoneTtlSeconds: 600 })
    const admin = new Redis(REDIS_TEST_URL)
    try {
      const { id } = await store.create(newJob())
      await store.append(id, progress(0, 0))
      expect(await admin.pttl(`${prefix}:job:${id}`)).toBe(-1)
      expect(await admin.pttl(`${prefix}:job:${id}:events`)).toBe(-1)
      await store.saveResult(id, { ok: true })
      await store.append(id, { type: 'complete', percent: 100 })
      for (const key of ['', ':events', ':result']) {
        const ttl = await admin.pttl(`${prefix}:job:${id}${key}`)
        expect(ttl).toBeGreaterThan(55_000)
        expect(ttl).toBeLessThanOrEqual(60_000)
      }
      expect(await admin.pttl(`${prefix}:job:${id}:tomb`)).toBeGreaterThan(655_000)
      await admin.pexpire(`${prefix}:job:${id}`, 1000)
      await admin.hset(`${prefix}:job:${id}`, 'expiresAt', Date.now() + 1000)
      const lookup = await store.get(id, { extendRetention: true })
      expect(lookup.state === 'found' && Date.parse(lookup.expiresAt ?? '') - Date.now()).toBeGreaterThan(55_000)
      expect(await admin.pttl(`${prefix}:job:${id}`)).toBeGreaterThan(55_000)
    } finally {
      admin.disconnect()
    }
  })

  it('never duplicates an event when its connection is killed in the middle of appends', async () => {
    const [store] = await twoProcesses()
    const { id } = await store.create(newJob())
    const admin = new Redis(REDIS_TEST_URL)
    const appends = Array.from({ length: 200 }, (_, index) => store.append(id, progress(1, index / 10, 'advanced')))
    const victim = (await admin.client('LIST') as string).split('\n').find(line => line.includes(` name=${prefixes.at(-1)}:store `) && line.includes('cmd=evalsha')) ??
      (await admin.client('LIST') as string).split('\n').find(line => line.includes(` name=${prefixes.at(-1)}:store `))
    const clientId = /id=(\d+)/.exec(victim ?? '')?.[1]
    expect(clientId).toBeDefined()
    await admin.client('KILL', 'ID', clientId as string)
    admin.disconnect()
    const results = await Promise.allSettled(appends)
    const events = await store.readEventsAfter(id, 0)
    expect(events.map(event => event.seq)).toEqual(Array.from({ length: events.length }, (_, index) => index + 1))
    const written = results.flatMap(result => result.status === 'fulfilled' && result.value ? [result.value.seq] : [])
    expect(new Set(written).size).toBe(written.length)
    expect(events.length).toBe(1 + written.length)
  })

  it('answers 503 at once for reads while Redis is unreachable', async () => {
    const store = await createRedisStore({ url: REDIS_TEST_URL, prefix: uniquePrefix('down'), log: silent, sweepIntervalMs: 1000, jobTtlSeconds: 60, tombstoneTtlSeconds: 60 })
    open.push(store)
    await store.close()
    await expect(store.get(randomUUID())).rejects.toMatchObject({ statusCode: 503, code: 'store_unavailable' })
    await expect(store.ping()).rejects.toThrow()
  })
})
