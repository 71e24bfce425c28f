/**
 * The behaviour every JobStore must have, as one suite that each implementation runs
 * (`describeJobStore('memory', …)`, `describeJobStore('redis', …)`). Retention is checked with
 * a one-second TTL and event-driven waits, so the same test works for sweeps and key expiry.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobEvent, NewJobEvent } from '../../src/jobs/model.ts'
import type { JobStore, NewJob } from '../../src/jobs/store/types.ts'
import { eventually } from './event-stream.ts'

export type StoreFactory = (retention: { jobTtlSeconds: number, tombstoneTtlSeconds: number }) => Promise<JobStore>

const stages = ['upload', 'validation', 'complete'].map((name, index) => ({
  name, title: name, status: 'pending' as const, percent: [5, 50, 100][index] ?? 100, startedAt: null, finishedAt: null
}))

export function newJob (id: string = randomUUID()): NewJob {
  return {
    id,
    pipeline: 'test',
    stages,
    input: { files: [{ name: 'a.csv', path: '/nowhere/a.csv', type: 'text/csv', bytes: 3 }], fields: { team: 'blue' } },
    firstEvent: { type: 'progress', phase: 'queued', stage: 'upload', stageIndex: 0, stageCount: 3, percent: 0, status: 'queued', message: 'Queued' }
  }
}

export const progress = (stageIndex: number, percent: number, phase: 'started' | 'advanced' | 'finished' = 'started'): NewJobEvent => ({
  type: 'progress', phase, stage: stages[stageIndex]?.name ?? 'x', stageIndex, stageCount: 3, percent, message: `at ${percent}`, status: 'running'
})

export function describeJobStore (name: string, createStore: StoreFactory) {
  describe(`JobStore contract: ${name}`, () => {
    const open: JobStore[] = []
    const make = async (retention = { jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400 }) => {
      const store = await createStore(retention)
      open.push(store)
      return store
    }
    afterEach(async () => { await Promise.all(open.splice(0).map(store => store.close())) })

    it('creates a job with its first event as seq 1 and refuses a second job with the same id', async () => {
      const store = await make()
      const input = newJob()
      const job = await store.create(input)
      expect(job).toMatchObject({ id: input.id, status: 'queued', seq: 1, percent: 0 })
      expect(await store.readEventsAfter(input.id, 0)).toMatchObject([{ seq: 1, type: 'progress', phase: 'queued' }])
      await expect(store.create(input)).rejects.toMatchObject({ code: 'job_id_in_use', statusCode: 409 })
    })

    it('appends events with dense sequence numbers and derives the snapshot from them', async () => {
      const store = await make()
      const { id } = await store.create(newJob())
      await store.append(id, progress(0, 0))
      await store.append(id, progress(1, 5))
      await store.append(id, progress(1, 3, 'advanced'))
      const lookup = await store.get(id)
      expect(lookup.state).toBe('found')
      if (lookup.state !== 'found') return
      expect(lookup.job).toMatchObject({ status: 'running', stage: 'validation', percent: 5, seq: 4 })
      expect(lookup.job.stages.map(stage => stage.status)).toEqual(['completed', 'running', 'pending'])
      expect(lookup.expiresAt).toBeNull()
      expect((await store.readEventsAfter(id, 2)).map(event => event.seq)).toEqual([3, 4])
      expect(await store.readEventsAfter(randomUUID(), 0)).toEqual([])
    })

    it('builds an event from the snapshot it follows, and appends nothing when the builder says so', async () => {
      const store = await make()
      const { id } = await store.create(newJob())
      await store.append(id, progress(1, 5))
      const seen: number[] = []
      const built = await store.append(id, current => {
        seen.push(current.seq)
        return { ...progress(current.stages.findIndex(stage => stage.name === current.stage), current.percent, 'advanced'), message: `after ${current.seq}` }
      })
      expect(built).toMatchObject({ seq: 3, stage: 'validation', percent: 5, message: 'after 2' })
      expect(seen.at(-1)).toBe(2)
      expect(await store.append(id, current => current.status === 'queued' ? progress(0, 0) : null)).toBeNull()
      const lookup = await store.get(id)
      if (lookup.state !== 'found') throw new Error('job missing')
      expect(lookup.job.seq).toBe(3)
      expect(await store.readEventsAfter(id, 2)).toHaveLength(1)
    })

    it('takes the complete input from a received event, without changing the status', async () => {
      const store = await make()
      const job = newJob()
      const { id } = await store.create({ ...job, input: { ...job.input, receiving: { expectedBytes: 10 } } })
      await store.append(id, progress(0, 2, 'advanced'))
      const input = { files: [{ name: 'a.csv', path: '/nowhere/a.csv', type: 'text/csv', bytes: 9 }], fields: { team: 'red' } }
      await store.append(id, { type: 'progress', phase: 'received', status: 'running', stage: 'upload', stageIndex: 0, stageCount: 3, percent: 2, message: 'Upload received', input })
      const lookup = await store.get(id)
      if (lookup.state !== 'found') throw new Error('job missing')
      expect(lookup.job).toMatchObject({ status: 'running', stage: 'upload', percent: 2, input })
      expect(lookup.job.input.receiving).toBeUndefined()
    })

    it('freezes a job at its terminal event: later appends are refused', async () => {
      const store = await make()
      const { id } = await store.create(newJob())
      await store.append(id, progress(0, 0))
      const failed = await store.append(id, { type: 'failed', stage: 'upload', code: 'bad_input', message: 'Row 3 is broken' })
      expect(failed).toMatchObject({ seq: 3, type: 'failed' })
      expect(await store.append(id, progress(1, 50))).toBeNull()
      expect(await store.append(randomUUID(), progress(1, 50))).toBeNull()
      const lookup = await store.get(id)
      if (lookup.state !== 'found') throw new Error('job missing')
      expect(lookup.job).toMatchObject({ status: 'failed', error: { code: 'bad_input', stage: 'upload' } })
      expect(lookup.expiresAt).not.toBeNull()
    })

    it('wakes subscribers on append, including for a job created after they subscribed', async () => {
      const store = await make()
      const id = randomUUID()
      const seen: JobEvent[] = []
      const unsubscribe = store.subscribe(id, event => seen.push(event))
      expect(store.subscriberCount(id)).toBe(1)
      await store.create(newJob(id))
      await store.append(id, progress(0, 0))
      await eventually(() => seen.length === 2)
      unsubscribe()
      expect(store.subscriberCount(id)).toBe(0)
      await store.append(id, progress(1, 5))
      expect(seen.map(event => event.seq)).toEqual([1, 2])
    })

    it('keeps results, and lists jobs newest first and by status', async () => {
      const store = await make()
      const first = await store.create(newJob())
      await new Promise(resolve => setTimeout(resolve, 5))
      const second = await store.create(newJob())
      await store.saveResult(first.id, { totals: { revenue: 12.5 }, names: ['Süd', '東京'] })
      await store.append(first.id, { type: 'complete', percent: 100 })
      expect(await store.getResult(first.id)).toEqual({ totals: { revenue: 12.5 }, names: ['Süd', '東京'] })
      expect(await store.getResult(second.id)).toBeUndefined()
      expect((await store.list({ limit: 10 })).map(job => job.id).slice(0, 2)).toEqual([second.id, first.id])
      expect((await store.list({ status: 'completed', limit: 10 })).map(job => job.id)).toContain(first.id)
      expect((await store.listUnfinished()).map(job => job.id)).toContain(second.id)
      const third = await store.create(newJob())
      await store.append(third.id, progress(0, 0))
      const running = (await store.list({ status: 'running', limit: 10 })).map(job => job.id)
      const queued = (await store.list({ status: 'queued', limit: 10 })).map(job => job.id)
      expect(running).toContain(third.id)
      expect(running).not.toContain(second.id)
      expect(queued).toContain(second.id)
      expect(queued).not.toContain(third.id)
    })

    it('reports running jobs without recent activity as stalled', async () => {
      const store = await make()
      const { id } = await store.create(newJob())
      await store.append(id, progress(0, 0))
      expect((await store.listStalled(new Date(Date.now() - 60_000))).map(job => job.id)).not.toContain(id)
      expect((await store.listStalled(new Date(Date.now() + 1000))).map(job => job.id)).toContain(id)
      await store.touch(id)
    })

    it('pins running jobs, expires finished ones a TTL after their last read, then keeps a tombstone', async () => {
      const store = await make({ jobTtlSeconds: 1, tombstoneTtlSeconds: 1 })
      const running = await store.create(newJob())
      await store.append(running.id, progress(0, 0))
      const finished = await store.create(newJob())
      await store.append(finished.id, { type: 'complete', percent: 100 })
      const evicted: string[] = []
      store.onEvicted(id => evicted.push(id))

      await eventually(() => evicted.includes(finished.id), { timeoutMs: 5000, intervalMs: 50 })
      expect((await store.get(finished.id)).state).toBe('expired')
      expect((await store.get(running.id)).state).toBe('found')
      await expect(store.create(newJob(finished.id))).rejects.toMatchObject({ statusCode: 409 })
      // The tombstone itself expires too.
      await eventually(async () => (await store.get(finished.id)).state === 'missing', { timeoutMs: 5000, intervalMs: 100 })
      expect((await store.get(running.id)).state).toBe('found')
    })

    it('reserves an id for one upload only, and gives it back when the upload is refused', async () => {
      const store = await make()
      const id = randomUUID()
      const token = await store.reserve(id)
      expect(await store.isReserved(id)).toBe(true)
      await expect(store.reserve(id)).rejects.toMatchObject({ code: 'job_id_in_use', statusCode: 409 })
      expect((await store.get(id)).state).toBe('missing')
      // Another upload cannot create the job under someone else's reservation.
      await expect(store.create(newJob(id))).rejects.toMatchObject({ code: 'job_id_in_use' })
      await store.releaseReservation(id, 'not-the-token')
      expect(await store.isReserved(id)).toBe(true)
      await store.releaseReservation(id, token)
      expect(await store.isReserved(id)).toBe(false)

      const again = await store.reserve(id)
      const job = await store.create({ ...newJob(id), reservation: again })
      expect(job).toMatchObject({ id, seq: 1 })
      expect(await store.isReserved(id)).toBe(false)
      await expect(store.reserve(id)).rejects.toMatchObject({ code: 'job_id_in_use' })
    })

    it('extends a finished job\'s retention only on a client\'s read', async () => {
      const store = await make({ jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400 })
      const { id } = await store.create(newJob())
      await store.append(id, { type: 'complete', percent: 100 })
      const expiryOf = async (read?: { extendRetention: boolean }) => {
        const lookup = await store.get(id, read)
        if (lookup.state !== 'found' || lookup.expiresAt === null) throw new Error('expected a finished job')
        return Date.parse(lookup.expiresAt)
      }
      const atFinish = await expiryOf()
      await new Promise(resolve => setTimeout(resolve, 30))
      expect(await expiryOf()).toBe(atFinish)
      const afterRead = await expiryOf({ extendRetention: true })
      expect(afterRead).toBeGreaterThan(atFinish)
      expect(await expiryOf()).toBe(afterRead)
    })

    it('tells append listeners of every event it writes, with the job after it', async () => {
      const store = await make()
      const seen: Array<[number, string, string]> = []
      const stop = store.onAppended((event, job) => seen.push([event.seq, event.type, job.status]))
      const { id } = await store.create(newJob())
      await store.append(id, progress(0, 0))
      await store.append(id, { type: 'complete', percent: 100 })
      stop()
      await store.create(newJob())
      expect(seen).toEqual([[1, 'progress', 'queued'], [2, 'progress', 'running'], [3, 'complete', 'completed']])
    })

    it('removes a finished job on request, leaving a tombstone', async () => {
      const store = await make()
      const { id } = await store.create(newJob())
      await store.append(id, { type: 'cancelled', message: 'stop' })
      await store.remove(id)
      expect((await store.get(id)).state).toBe('expired')
    })
  })
}
