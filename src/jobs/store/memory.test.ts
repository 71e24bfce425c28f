import { mkdtemp, readFile, appendFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { describeJobStore, newJob, progress } from '../../../test/support/store-contract.ts'
import { createDiskJournal } from './disk-journal.ts'
import { createMemoryStore } from './memory.ts'

const dirs: string[] = []
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stagecast-store-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => { await Promise.all(dirs.splice(0).map(dir => rm(dir, { recursive: true, force: true }))) })

describeJobStore('memory', retention => createMemoryStore({ ...retention, sweepIntervalMs: 20 }))
describeJobStore('memory + disk journal', async retention => createMemoryStore({ ...retention, sweepIntervalMs: 20, journal: createDiskJournal(await tempDir()) }))

describe('memory store retention (fake clock)', () => {
  afterEach(() => { vi.useRealTimers() })

  it('never evicts a running job, and evicts a finished one TTL after its last read', async () => {
    vi.useFakeTimers()
    const store = await createMemoryStore({ jobTtlSeconds: 60, tombstoneTtlSeconds: 600, sweepIntervalMs: 1000, now: () => Date.now() })
    const running = await store.create(newJob())
    await store.append(running.id, progress(0, 0))
    const done = await store.create(newJob())
    await store.append(done.id, { type: 'complete', percent: 100 })

    await vi.advanceTimersByTimeAsync(50_000)
    expect((await store.get(done.id)).state).toBe('found') // read at 50 s: now kept until 110 s
    await vi.advanceTimersByTimeAsync(50_000)
    expect((await store.get(done.id)).state).toBe('found') // read at 100 s: kept until 160 s
    await vi.advanceTimersByTimeAsync(61_000)
    expect((await store.get(done.id)).state).toBe('expired')
    await vi.advanceTimersByTimeAsync(24 * 3600_000)
    expect((await store.get(running.id)).state).toBe('found')
    expect((await store.get(done.id)).state).toBe('missing')
    await store.close()
  })
})

describe('memory store durability', () => {
  it('rebuilds snapshots, events and results after a restart', async () => {
    const dir = await tempDir()
    const retention = { jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400, sweepIntervalMs: 1000 }
    const before = await createMemoryStore({ ...retention, journal: createDiskJournal(dir) })
    const finished = await before.create(newJob())
    await before.append(finished.id, progress(0, 0))
    await before.saveResult(finished.id, { ok: true })
    await before.append(finished.id, { type: 'complete', percent: 100 })
    const running = await before.create(newJob())
    await before.append(running.id, progress(1, 5))
    const evicted = await before.create(newJob())
    await before.append(evicted.id, { type: 'cancelled', message: 'stop' })
    await before.remove(evicted.id)
    await before.close()

    const after = await createMemoryStore({ ...retention, journal: createDiskJournal(dir) })
    const lookup = await after.get(finished.id)
    expect(lookup).toMatchObject({ state: 'found', job: { status: 'completed', percent: 100, seq: 3 } })
    expect(await after.getResult(finished.id)).toEqual({ ok: true })
    expect((await after.readEventsAfter(finished.id, 0)).map(event => event.seq)).toEqual([1, 2, 3])
    expect((await after.listUnfinished()).map(job => job.id)).toEqual([running.id])
    expect((await after.get(evicted.id)).state).toBe('expired')
    // The next event continues the sequence instead of reusing an id a client may hold.
    expect(await after.append(running.id, progress(1, 10, 'advanced'))).toMatchObject({ seq: 3 })
    await after.close()
  })

  it('survives a crash that cut the last event line short', async () => {
    const dir = await tempDir()
    const retention = { jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400, sweepIntervalMs: 1000 }
    const before = await createMemoryStore({ ...retention, journal: createDiskJournal(dir) })
    const job = await before.create(newJob())
    await before.append(job.id, progress(0, 0))
    await before.close()
    await appendFile(join(dir, job.id, 'log.ndjson'), '{"record":"event","event":{"seq":3,"ty')
    const after = await createMemoryStore({ ...retention, journal: createDiskJournal(dir) })
    expect(await after.get(job.id)).toMatchObject({ state: 'found', job: { seq: 2, status: 'running' } })
    expect(await readFile(join(dir, job.id, 'log.ndjson'), 'utf8')).toMatch(/"record":"created"/)
    await after.close()
  })
})
