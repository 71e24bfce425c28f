/**
 * A CSV with 100,000 columns and 20 data rows, uploaded to the real server with the real report
 * pipeline: the job fails at once, in its upload check, saying there are too many columns, the limit and how to
 * fix it — not "no data rows", which is false.
 */
import { afterEach, expect, it } from 'vitest'
import { createReportPipeline } from '../../src/pipelines/report/index.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'

let server: TestApp | undefined
afterEach(async () => { await server?.close() })

it('fails a 100,000-column CSV with too_many_columns, the limit and the fix', async () => {
  const current = server = await buildTestApp({}, { listen: true, pipelines: [createReportPipeline({ maxGroups: 12 })] })
  const columns = 100_000
  const header = ['date', ...Array.from({ length: columns - 1 }, (_, i) => `amount${i}`)].join(',')
  const rows = Array.from({ length: 20 }, (_, row) => [`2024-01-${String(row + 1).padStart(2, '0')}`, ...Array.from({ length: columns - 1 }, () => '1')].join(','))
  const upload = await fetch(`${current.url}/api/jobs`, { method: 'POST', body: csvForm(`${header}\n${rows.join('\n')}\n`, {}, 'wide.csv') })
  expect(upload.status).toBe(202)
  const { links } = await upload.json() as { links: { events: string } }
  const stream = recordStream(current.url + links.events)
  const events = await stream.waitForType('failed', 30_000)
  stream.close()
  const failed = events.find(event => event.type === 'failed')
  expect(failed?.data).toMatchObject({ stage: 'upload', code: 'too_many_columns', location: { row: 1 } })
  expect(failed?.data.message).toMatch(/at least [\d,]+ columns .*at most 1,000\. Keep the date column/)
  expect(failed?.data.message).not.toMatch(/no data rows/)
})
