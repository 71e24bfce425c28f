/**
 * The embedded job store on its own: ten-stage jobs' worth of events (create, 20 progress
 * events, result, complete) written through the JobStore interface, `concurrent` jobs at a
 * time, onto a database file in a fresh folder. Reports events per second and CPU per event.
 *
 *   node bench/store-appends.ts [jobs=5000] [concurrent=64]
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { NewJobEvent } from '../src/jobs/model.ts'
import { createSqliteStore } from '../src/jobs/store/sqlite.ts'
import { machine, record, table } from './support/report.ts'

const jobs = Number(process.argv[2] ?? 5000)
const concurrent = Number(process.argv[3] ?? 64)
const startedOn = machine()
const dir = await mkdtemp(join(tmpdir(), 'stagecast-store-bench-'))
const store = createSqliteStore({ path: join(dir, 'jobs.db'), log: pino({ level: 'silent' }), jobTtlSeconds: 3600, tombstoneTtlSeconds: 86400, sweepIntervalMs: 60_000 })
const stages = Array.from({ length: 10 }, (_, index) => ({ name: `stage${index}`, title: `Stage ${index}`, status: 'pending' as const, percent: (index + 1) * 10, startedAt: null, finishedAt: null }))
const progress = (stageIndex: number, phase: 'started' | 'finished'): NewJobEvent => ({
  type: 'progress', phase, stage: `stage${stageIndex}`, stageIndex, stageCount: 10, percent: stageIndex * 10 + (phase === 'finished' ? 10 : 0), message: `Stage ${stageIndex} ${phase}`, status: 'running'
})

let next = 0
let events = 0
const cpuBefore = process.cpuUsage()
const started = performance.now()
await Promise.all(Array.from({ length: concurrent }, async () => {
  while (next < jobs) {
    next++
    const id = randomUUID()
    await store.create({
      id,
      pipeline: 'bench',
      stages,
      input: { files: [{ name: 'a.csv', path: `/data/uploads/${id}/1.upload`, type: 'text/csv', bytes: 40 }], fields: {} },
      firstEvent: { type: 'progress', phase: 'queued', stage: 'stage0', stageIndex: 0, stageCount: 10, percent: 0, status: 'queued', message: 'Queued' }
    })
    // A runner does not wait for progress events, only for the result and the terminal event.
    const appends: Array<Promise<unknown>> = []
    for (let stage = 0; stage < 10; stage++) appends.push(store.append(id, progress(stage, 'started')), store.append(id, progress(stage, 'finished')))
    await store.saveResult(id, { rows: 1, totals: { revenue: 10 } })
    await Promise.all(appends)
    await store.append(id, { type: 'complete', percent: 100 })
    events += 22
  }
}))
const seconds = (performance.now() - started) / 1000
const { user, system } = process.cpuUsage(cpuBefore)
await store.close()
await rm(dir, { recursive: true, force: true })

record('Job store: events appended per second (embedded SQLite store)', `node bench/store-appends.ts ${jobs} ${concurrent}`,
  `${jobs} ten-stage jobs written through the JobStore interface, ${concurrent} at a time: create (the first event), 20 progress events, the result, \`complete\` — 22 events per job, each handed to subscribers only once its transaction committed. Database file on the local disk, WAL, synchronous=NORMAL.\n\n` +
  table(['jobs', 'events', 'seconds', 'events/s', 'jobs/s', 'CPU µs per event'],
    [[jobs, events, seconds.toFixed(2), (events / seconds).toFixed(0), (jobs / seconds).toFixed(0), ((user + system) / events).toFixed(1)]]),
  startedOn)
