/**
 * The Grafana dashboard draws only metrics that exist: every series its queries name is served
 * by an API instance's /metrics or a worker's metrics port, so renaming a metric breaks this test
 * instead of silently emptying a panel.
 */
import { readFile } from 'node:fs/promises'
import pino from 'pino'
import { afterEach, expect, it } from 'vitest'
import { createSqliteStore } from '../../src/jobs/store/sqlite.ts'
import { startWorkerMetrics } from '../../src/metrics/worker-metrics.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'

interface Dashboard { panels: Array<{ title: string, targets: Array<{ expr: string }> }> }

const closers: Array<() => Promise<void>> = []
afterEach(async () => { for (const close of closers.splice(0)) await close() })

/** Metric family names in a Prometheus exposition (histograms by their base name). */
const familiesOf = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(match => match[1] as string))

it('queries only metrics that the API and the workers serve', async () => {
  const dashboard = JSON.parse(await readFile(new URL('../../deploy/grafana/stagecast-dashboard.json', import.meta.url), 'utf8')) as Dashboard
  const server: TestApp = await buildTestApp({}, { listen: true })
  closers.push(server.close)
  const accepted = await (await fetch(`${server.url}/api/jobs`, { method: 'POST', body: csvForm() })).json() as { links: { events: string } }
  const stream = recordStream(server.url + accepted.links.events)
  await stream.waitForType('complete')
  stream.close()

  const silent = pino({ level: 'silent' })
  const store = createSqliteStore({ path: ':memory:', log: silent, jobTtlSeconds: 60, tombstoneTtlSeconds: 60, sweepIntervalMs: 1000 })
  closers.push(() => store.close())
  const worker = await startWorkerMetrics({ store, runningCount: () => 0, host: '127.0.0.1', port: 0, log: silent })
  closers.push(worker.close)

  const served = new Set([
    ...familiesOf(await (await fetch(`${server.url}/metrics`)).text()),
    ...familiesOf(await (await fetch(worker.url)).text())
  ])
  const queried = dashboard.panels.flatMap(panel => panel.targets.flatMap(target =>
    [...target.expr.matchAll(/\b((?:stagecast|process|nodejs)_[a-z0-9_]+)/g)].map(match => ({ panel: panel.title, metric: (match[1] as string).replace(/_(bucket|sum|count)$/, '') }))))
  expect(queried.length).toBeGreaterThan(10)
  expect(queried.filter(({ metric }) => !served.has(metric))).toEqual([])
})
