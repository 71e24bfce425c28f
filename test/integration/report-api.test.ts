/**
 * The report pipeline through the HTTP API as a client uses it: upload the README's sample CSV,
 * follow the progress stream to `complete`, read the result document and download report.pdf.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createReportPipeline } from '../../src/pipelines/report/index.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'

let server: TestApp
afterEach(async () => { await server?.close() })

const samplePath = fileURLToPath(new URL('../../samples/sales.csv', import.meta.url))

async function upload (form: FormData) {
  const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: form })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, pipeline: string, links: { events: string, result: string } }
}

describe('report pipeline over HTTP', () => {
  it('turns the sample CSV into a report: ten stages streamed, the contract\'s result, a PDF', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [createReportPipeline({ maxGroups: 12 })] })
    const job = await upload(csvForm(await readFile(samplePath, 'utf8'), {}, 'sales.csv'))
    expect(job.pipeline).toBe('report')
    const stream = recordStream(server.url + job.links.events)
    await stream.waitFor(events => events.some(event => event.type === 'complete' || event.type === 'failed'), 60_000, 'the job to finish')
    stream.close()
    const failed = stream.received.find(event => event.type === 'failed')
    expect(failed?.data).toBeUndefined()

    const progress = stream.received.filter(event => event.type === 'progress')
    const stageEnds = new Map<string, number>()
    for (const event of progress) stageEnds.set(event.data.stage as string, Math.max(stageEnds.get(event.data.stage as string) ?? 0, event.data.percent as number))
    expect([...stageEnds]).toEqual([
      ['upload', 5], ['validation', 15], ['preparing', 25], ['forecasting', 50], ['regional', 60],
      ['departmental', 70], ['analytics', 80], ['visualizations', 90], ['finalizing', 95], ['complete', 100]
    ])

    const result = await (await fetch(server.url + job.links.result)).json() as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document checked field by field below
    expect(result.pipeline).toBe('report')
    expect(result.input).toMatchObject({
      delimiter: ',',
      dateColumn: 'Order Date',
      dateFormat: 'dd/mm/yyyy',
      regionColumn: 'Region',
      departmentColumn: 'Department',
      measures: ['Revenue', 'Cost', 'Units'],
      period: 'month',
      start: '2022-01-01',
      end: '2024-12-31'
    })
    expect(result.input.rows).toBeGreaterThan(13_000)
    expect(result.input.skippedRows).toBeGreaterThan(0)
    expect(result.input.warnings.some((warning: { code: string, row?: number }) => warning.code === 'ragged_row' && warning.row! > 1)).toBe(true)
    expect(Object.keys(result.forecasts.byRegion)).toEqual(expect.arrayContaining(['Süd', '東京']))
    const revenue = result.forecasts.overall.Revenue
    expect(revenue.forecast).toHaveLength(12)
    expect(revenue.history).toHaveLength(36)
    expect(Object.keys(revenue.accuracy)).toEqual(expect.arrayContaining(['holdout', 'mase', 'smape', 'baselineMase', 'coverage']))
    expect(result.analytics).toHaveProperty('kpis')
    expect(Array.isArray(result.analytics.anomalies)).toBe(true)
    expect(result.analytics.correlations[0]).toHaveProperty('r')
    expect(result.charts.map((chart: { type: string }) => chart.type)).toEqual(expect.arrayContaining(['forecast', 'bar']))

    const pdf = await fetch(`${server.url}/api/jobs/${job.id}/report.pdf`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toMatch(/application\/pdf/)
    const bytes = Buffer.from(await pdf.arrayBuffer())
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(bytes.length).toBeGreaterThan(10_000)
  })

  it('fails the validation stage with a message naming what to change', async () => {
    server = await buildTestApp({}, { listen: true, pipelines: [createReportPipeline({ maxGroups: 12 })] })
    const job = await upload(csvForm('customer,notes\nAcme,"first order"\nGlobex,"second, larger"\n'))
    const stream = recordStream(server.url + job.links.events)
    const events = await stream.waitFor(received => received.some(event => event.type === 'failed' || event.type === 'complete'), 20_000, 'the job to finish')
    stream.close()
    expect(events.find(event => event.type === 'failed')?.data).toMatchObject({ stage: 'validation', code: 'no_date_column' })
    expect(String(events.find(event => event.type === 'failed')?.data.message)).toMatch(/dateColumn/)
  })
})
