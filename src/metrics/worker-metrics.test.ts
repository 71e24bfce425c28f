import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { newJob, progress } from '../../test/support/store-contract.ts'
import { createSqliteStore } from '../jobs/store/sqlite.ts'
import { startWorkerMetrics, type WorkerMetrics } from './worker-metrics.ts'

const silent = pino({ level: 'silent' })
const closers: Array<() => Promise<void>> = []
afterEach(async () => { for (const close of closers.splice(0)) await close() })

describe('worker metrics', () => {
  it('serves the job events this process writes on its own port, and nothing else', async () => {
    const store = createSqliteStore({ path: ':memory:', log: silent, jobTtlSeconds: 60, tombstoneTtlSeconds: 60, sweepIntervalMs: 1000 })
    closers.push(() => store.close())
    const metrics: WorkerMetrics = await startWorkerMetrics({ store, runningCount: () => 1, host: '127.0.0.1', port: 0, log: silent })
    closers.push(() => metrics.close())

    const { id } = await store.create(newJob())
    await store.append(id, progress(0, 0))
    await store.append(id, progress(0, 5, 'finished'))
    await store.append(id, { type: 'complete', percent: 100 })

    const response = await fetch(metrics.url)
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toMatch(/^stagecast_jobs_finished_total\{pipeline="test",status="completed"\} 1$/m)
    expect(text).toMatch(/^stagecast_job_events_written_total\{type="progress"\} 3$/m)
    expect(text).toMatch(/^stagecast_worker_jobs_running 1$/m)
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    const other = await fetch(metrics.url.replace('/metrics', '/jobs'))
    expect(other.status).toBe(404)
    expect(await other.json()).toMatchObject({ error: 'route_not_found' })
  })
})
