/**
 * The embedded SQLite store: the shared JobStore contract (in memory and on a file), then what
 * only a store on the local disk must get right — a restart, a full disk, a damaged file, a
 * second process on the same file.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../../test/support/event-stream.ts'
import { canMountTmpfs, mountSmallDisk, type SmallDisk } from '../../../test/support/small-disk.ts'
import { describeJobStore, newJob, progress } from '../../../test/support/store-contract.ts'
import type { JobEvent } from '../model.ts'
import { createSqliteStore, type SqliteJobStore } from './sqlite.ts'

const silent = pino({ level: 'silent' })
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecast-sqlite-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function open (path: string, overrides: Partial<Parameters<typeof createSqliteStore>[0]> = {}): SqliteJobStore {
  const store = createSqliteStore({ path, log: silent, jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400, sweepIntervalMs: 20, ...overrides })
  cleanups.push(() => store.close())
  return store
}

describeJobStore('sqlite in memory', async retention => open(':memory:', retention))
describeJobStore('sqlite file', async retention => open(join(await tempDir(), 'jobs.db'), retention))

describe('sqlite store on disk', () => {
  it('gives back every job, event, result and tombstone after a restart, and numbers on without a gap', async () => {
    const path = join(await tempDir(), 'jobs.db')
    const first = open(path)
    const running = await first.create(newJob())
    await first.append(running.id, progress(0, 0))
    await first.append(running.id, progress(1, 5))
    const done = await first.create(newJob())
    await first.saveResult(done.id, { rows: 3, names: ['Süd'] })
    await first.append(done.id, { type: 'complete', percent: 100 })
    const removed = await first.create(newJob())
    await first.append(removed.id, { type: 'cancelled', message: 'stop' })
    await first.remove(removed.id)
    await first.close()

    const second = open(path)
    expect((await second.listUnfinished()).map(job => job.id)).toEqual([running.id])
    expect((await second.readEventsAfter(running.id, 0)).map(event => event.seq)).toEqual([1, 2, 3])
    expect(await second.append(running.id, progress(1, 9, 'advanced'))).toMatchObject({ seq: 4 })
    expect(await second.getResult(done.id)).toEqual({ rows: 3, names: ['Süd'] })
    expect((await second.get(done.id)).state).toBe('found')
    expect((await second.get(removed.id)).state).toBe('expired')
    await expect(second.create(newJob(removed.id))).rejects.toMatchObject({ code: 'job_id_in_use' })
  })

  it('moves a layout-1 database (events keyed by the text id) to the current layout, losing nothing', async () => {
    const path = join(await tempDir(), 'jobs.db')
    const first = open(path)
    const running = await first.create(newJob())
    await first.append(running.id, progress(0, 0))
    const done = await first.create(newJob())
    await first.saveResult(done.id, { rows: 3 })
    await first.append(done.id, { type: 'complete', percent: 100 })
    const removed = await first.create(newJob())
    await first.append(removed.id, { type: 'cancelled', message: 'stop' })
    await first.remove(removed.id)
    await first.close()
    const { DatabaseSync } = await import('node:sqlite')
    const raw = new DatabaseSync(path)
    const jobs = raw.prepare('SELECT id, status, created_at, expires_at, snapshot FROM jobs ORDER BY key').all() as Array<{ id: string, status: string, created_at: string, expires_at: number | null, snapshot: string }>
    const events = raw.prepare('SELECT jobs.id AS job_id, seq, body FROM events JOIN jobs ON jobs.key = events.job').all() as Array<{ job_id: string, seq: number, body: string }>
    raw.exec('PRAGMA foreign_keys = OFF; DROP TABLE events; DROP TABLE jobs')
    raw.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL, expires_at INTEGER, snapshot TEXT NOT NULL) STRICT;
      CREATE TABLE events (id INTEGER PRIMARY KEY, job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, seq INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (job_id, seq)) STRICT;
      PRAGMA user_version = 1`)
    for (const job of jobs) raw.prepare('INSERT INTO jobs VALUES (?, ?, ?, ?, ?)').run(job.id, job.status, job.created_at, job.expires_at, job.snapshot)
    for (const event of events) raw.prepare('INSERT INTO events (job_id, seq, body) VALUES (?, ?, ?)').run(event.job_id, event.seq, event.body)
    raw.close()

    const second = open(path)
    expect((await second.listUnfinished()).map(job => job.id)).toEqual([running.id])
    expect((await second.readEventsAfter(running.id, 0)).map(event => event.seq)).toEqual([1, 2])
    expect(await second.append(running.id, progress(1, 9))).toMatchObject({ seq: 3 })
    expect((await second.readEventsAfter(done.id, 0)).map(event => event.type)).toEqual(['progress', 'complete'])
    expect(await second.getResult(done.id)).toEqual({ rows: 3 })
    expect((await second.get(removed.id)).state).toBe('expired')
    const later = await second.create(newJob())
    expect((await second.readEventsAfter(later.id, 0)).map(event => event.seq)).toEqual([1])
    await second.remove(done.id)
    await second.close()
    const check = new DatabaseSync(path)
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 })
    expect(check.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 4 })
    expect(check.prepare('SELECT count(*) AS n FROM results').get()).toEqual({ n: 0 })
    expect(check.prepare('PRAGMA foreign_key_check').all()).toEqual([])
    check.close()
  })

  it('keeps writes in order: a result handed over in the same tick as `complete` is readable when `complete` is heard', async () => {
    const store = open(join(await tempDir(), 'jobs.db'))
    expect(store.writesInOrder).toBe(true)
    const { id } = await store.create(newJob())
    const resultWhenHeard: Array<Promise<unknown>> = []
    store.subscribe(id, event => { if (event.type === 'complete') resultWhenHeard.push(store.getResult(id)) })
    const saved = store.saveResult(id, { total: 42 })
    const completed = store.append(id, { type: 'complete', percent: 100 })
    await saved
    expect(await completed).toMatchObject({ type: 'complete', seq: 2 })
    expect(resultWhenHeard).toHaveLength(1)
    expect(await resultWhenHeard[0]).toEqual({ total: 42 })
  })

  it('refuses a second process on the same database, naming the fix', async () => {
    const path = join(await tempDir(), 'jobs.db')
    const first = open(path)
    await first.create(newJob())
    expect(() => open(path)).toThrow(/in use by another stagecast process/)
  })

  it('moves a damaged database aside, logs it, and starts a new one', async () => {
    const dir = await tempDir()
    const path = join(dir, 'jobs.db')
    await writeFile(path, 'this is not a database, it is a text file that got in the way'.repeat(100))
    const lines: string[] = []
    const log = pino({ level: 'error' }, { write: (line: string) => lines.push(line) })
    const store = open(path, { log })
    const job = await store.create(newJob())
    expect((await store.get(job.id)).state).toBe('found')
    expect((await readdir(dir)).some(name => name.startsWith('jobs.db.corrupt-'))).toBe(true)
    expect(lines.join('')).toMatch(/damaged; it was moved aside/)
  })

  it('quarantines a record it cannot read, with its job id in the log, and answers for the id as gone', async () => {
    const path = join(await tempDir(), 'jobs.db')
    const first = open(path)
    const broken = await first.create(newJob())
    await first.append(broken.id, { type: 'complete', percent: 100 })
    const healthy = await first.create(newJob())
    await first.close()
    const { DatabaseSync } = await import('node:sqlite')
    const raw = new DatabaseSync(path)
    raw.prepare('UPDATE jobs SET snapshot = ? WHERE id = ?').run('{"id": "cut off', broken.id)
    raw.close()

    const lines: string[] = []
    const second = open(path, { log: pino({ level: 'error' }, { write: (line: string) => lines.push(line) }) })
    expect((await second.get(broken.id)).state).toBe('expired')
    expect((await second.get(healthy.id)).state).toBe('found')
    expect(lines.join('')).toContain(broken.id)
    expect((await second.list({ limit: 10 })).map(job => job.id)).toEqual([healthy.id])
  })
})

describe.skipIf(!canMountTmpfs && process.env.CI !== 'true')('sqlite store on a full disk', () => {
  let disk: SmallDisk
  afterEach(() => { try { disk.free() } catch {} })

  it('ends a job failed with storage_failed when its progress cannot be saved, and never hands out a seq twice', async () => {
    disk = mountSmallDisk(4)
    cleanups.push(() => disk.unmount())
    const path = join(disk.dir, 'jobs.db')
    const store = open(path, { repairIntervalMs: 20 })
    const { id } = await store.create(newJob())
    await store.append(id, progress(0, 0))
    const delivered: JobEvent[] = []
    store.subscribe(id, event => delivered.push(event))

    disk.fill()
    // A large event, so the write cannot fit in a page the database already has.
    const big = { ...progress(1, 10), detail: { filler: 'x'.repeat(200_000) } }
    expect(await store.append(id, big)).toBeNull()
    expect(await store.append(id, progress(1, 11))).toBeNull() // the job takes no more events
    await expect(store.create(newJob())).rejects.toMatchObject({ statusCode: 507, code: 'insufficient_storage' })
    expect(delivered).toEqual([])

    disk.free()
    await eventually(() => delivered.length === 1, { timeoutMs: 5000 })
    expect(delivered[0]).toMatchObject({ type: 'failed', code: 'storage_failed', seq: 3, stage: 'upload' })
    const events = await store.readEventsAfter(id, 0)
    expect(events.map(event => [event.seq, event.type])).toEqual([[1, 'progress'], [2, 'progress'], [3, 'failed']])
    const lookup = await store.get(id)
    expect(lookup.state === 'found' && lookup.job.status).toBe('failed')
    // The store took writes again as soon as the disk did.
    const next = await store.create(newJob(randomUUID()))
    expect(next.seq).toBe(1)
  })

  it('stores neither a result nor the `complete` handed over with it when their transaction fails', async () => {
    disk = mountSmallDisk(4)
    cleanups.push(() => disk.unmount())
    const store = open(join(disk.dir, 'jobs.db'), { repairIntervalMs: 20 })
    const { id } = await store.create(newJob())
    const delivered: JobEvent[] = []
    store.subscribe(id, event => delivered.push(event))

    disk.fill()
    const saved = store.saveResult(id, { filler: 'x'.repeat(200_000) })
    const completed = store.append(id, { type: 'complete', percent: 100 })
    await expect(saved).rejects.toMatchObject({ statusCode: 507 })
    expect(await completed).toBeNull()

    disk.free()
    await eventually(() => delivered.length === 1, { timeoutMs: 5000 })
    expect(delivered[0]).toMatchObject({ type: 'failed', code: 'storage_failed', seq: 2 })
    expect(await store.getResult(id)).toBeUndefined()
  })
})
