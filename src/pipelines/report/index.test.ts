import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JobFailure } from '../../errors.ts'
import type { StageContext } from '../../jobs/pipeline.ts'
import { createReportPipeline } from './index.ts'
import { endReportPdfWriter, writeReportPdfInThread } from './pdf/write-in-thread.ts'
import { createValidateRows } from './stages/validation.ts'
import type { ReportDocument } from './result.ts'
import type { ReportState } from './state.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'report-pipeline-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

/**
 * Runs every stage in order the way the runner does, recording progress and the result.
 * `threads` reads the file on that many threads whatever its size (normally from 8 MB a thread).
 */
async function runReport (content: string | Buffer, fields: Record<string, string> = {}, maxGroups = 12, threads = 0) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`)
  await writeFile(path, content)
  const pipeline = createReportPipeline({ maxGroups })
  if (threads > 0) {
    pipeline.stages = pipeline.stages.map(stage => (stage.name === 'validation' ? { ...stage, run: createValidateRows({ readThreads: threads, threadMinBytes: 1 }) } : stage))
  }
  const progress: Array<{ stage: string, fraction: number }> = []
  let result: ReportDocument | undefined
  const ctx: StageContext<ReportState> = {
    upload: undefined,
    jobId: 'test',
    files: [{ name: 'upload.csv', path, type: 'text/csv', bytes: (await stat(path)).size }],
    fields,
    scratchDir: dir,
    artifactDir: join(dir, 'artifacts', path.slice(-10)),
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
    state: pipeline.createState(),
    progress: () => {},
    setResult: value => { result = value as ReportDocument }
  }
  for (const stage of pipeline.stages) {
    ctx.progress = fraction => progress.push({ stage: stage.name, fraction })
    await stage.run(ctx)
  }
  if (!result) throw new Error('no result recorded')
  return { result, progress, pdf: join(ctx.artifactDir, 'report.pdf') }
}

async function failure (content: string, fields: Record<string, string> = {}): Promise<JobFailure & { stage?: string }> {
  try {
    await runReport(content, fields)
  } catch (error) {
    if (error instanceof JobFailure) return error
    throw error
  }
  throw new Error('expected the report to fail')
}

const months = (count: number) => Array.from({ length: count }, (_, i) => ({ year: 2022 + Math.floor(i / 12), month: i % 12 + 1 }))
const seasonal = (i: number) => 1000 + 15 * i + 250 * Math.sin((2 * Math.PI * i) / 12) + ((i * 7919) % 13) * 4

describe('report pipeline', () => {
  it('declares the contract\'s stages, percents and accepted types', () => {
    const pipeline = createReportPipeline({ maxGroups: 12 })
    expect(pipeline.stages.map(stage => [stage.name, stage.endPercent])).toEqual([
      ['upload', 5], ['validation', 15], ['preparing', 25], ['forecasting', 50], ['regional', 60],
      ['departmental', 70], ['analytics', 80], ['visualizations', 90], ['finalizing', 95], ['complete', 100]
    ])
    expect(pipeline.accepts).toEqual(['text/csv', 'text/tab-separated-values'])
    expect(pipeline.multipleFiles).toBe(false)
  })

  it('reads a European export: BOM, CRLF, semicolons, decimal commas, dd.mm.yyyy, padded headers', async () => {
    const lines = ['\uFEFF Datum ; Region ;Abteilung; Umsatz ']
    months(36).forEach(({ year, month }, i) => {
      for (const [region, share] of [['Süd', 0.6], ['東京', 0.4]] as const) {
        const value = (seasonal(i) * share).toFixed(2).replace('.', ',')
        lines.push(`15.${String(month).padStart(2, '0')}.${year};${region};Vertrieb;${Number(value.replace(',', '.')) >= 1000 ? value.replace(/^(\d)(\d{3})/, '$1.$2') : value} €`)
      }
    })
    const { result, pdf } = await runReport(lines.join('\r\n') + '\r\n')
    expect(result.input).toMatchObject({
      rows: 72,
      skippedRows: 0,
      delimiter: ';',
      dateColumn: 'Datum',
      dateFormat: 'dd.mm.yyyy',
      regionColumn: 'Region',
      departmentColumn: 'Abteilung',
      measures: ['Umsatz'],
      period: 'month',
      start: '2022-01-15',
      end: '2024-12-15',
      decimalSeparator: ','
    })
    const expected = months(36).reduce((sum, _, i) => sum + Number((seasonal(i) * 0.6).toFixed(2)) + Number((seasonal(i) * 0.4).toFixed(2)), 0)
    expect(result.totals.Umsatz).toBeCloseTo(expected, 1)
    expect(Object.keys(result.forecasts.byRegion).sort()).toEqual(['Süd', '東京'])
    expect(result.forecasts.overall.Umsatz?.forecast).toHaveLength(12)
    expect(result.forecasts.overall.Umsatz?.accuracy).not.toBeNull()
    const bytes = await readFile(pdf)
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(bytes.toString('latin1')).toMatch(/NotoSansJP/)
  })

  it('reads a tab-separated .csv with month names and accounting negatives', async () => {
    const lines = ['Month\tCategory\tAmount']
    months(30).forEach(({ year, month }, i) => {
      const name = new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })
      lines.push(`${name} ${year}\tTravel\t"$${Math.round(seasonal(i)).toLocaleString('en-US')}.00"`)
      lines.push(`${name} ${year}\tRefunds\t($${i + 10}.50)`)
    })
    const { result } = await runReport(lines.join('\n'))
    expect(result.input).toMatchObject({ delimiter: '\t', dateFormat: 'month name', departmentColumn: 'Category', regionColumn: null, period: 'month' })
    expect(result.forecasts.byDepartment.Refunds?.Amount?.history[0]?.value).toBe(-10.5)
  })

  it('reports damaged rows as warnings with row numbers and uses the good rows', async () => {
    const lines = ['date,region,sales']
    for (let day = 1; day <= 60; day++) lines.push(`2024-${day <= 31 ? '01' : '02'}-${String(day <= 31 ? day : day - 31).padStart(2, '0')},North,${day}`)
    lines.splice(5, 0, '2024-01-05,North') // row 6: too few fields
    lines.splice(10, 0, 'not a date,North,5') // row 11
    lines.splice(15, 0, '2024-01-13,North,lots') // row 16
    const { result } = await runReport(lines.join('\n'))
    expect(result.input.rows).toBe(61)
    expect(result.input.skippedRows).toBe(2)
    const codes = result.input.warnings.map(warning => [warning.code, warning.row])
    expect(codes).toEqual(expect.arrayContaining([['ragged_row', 6], ['bad_date', 11], ['bad_number', 16]]))
    // The unreadable date's row is skipped; the unreadable number is left out of its row.
    expect(result.totals.sales).toBe((60 * 61) / 2)
  })

  it('reads a finance export: accounting zeros, prices averaged by units sold, Profit and COGS kept, bad cells once per column', async () => {
    const lines = ['Segment,Country,Product,Discount Band,Units Sold,Manufacturing Price,Sale Price,Gross Sales,Discounts,Sales,COGS,Profit,Date,Month Number,Month Name,Year']
    let weighted = 0
    let units = 0
    months(30).forEach(({ year, month }, i) => {
      for (const [country, sold, price] of [['Canada', 100 + i, 20], ['France', 300 + 2 * i, 12]] as const) {
        const gross = sold * price
        const discount = country === 'Canada' ? ' $-   ' : ` $${(gross * 0.05).toFixed(2)} `
        const sales = gross - (country === 'Canada' ? 0 : gross * 0.05)
        const cogs = i === 3 || i === 7 ? 'n/a' : `" $${(sold * 5).toLocaleString('en-US', { minimumFractionDigits: 2 })} "`
        weighted += sold * price
        units += sold
        lines.push(`Government,${country},Carretera,Low,${sold},$5.00,$${price}.00," $${gross.toLocaleString('en-US', { minimumFractionDigits: 2 })} ",${discount}," $${sales.toLocaleString('en-US', { minimumFractionDigits: 2 })} ",${cogs}," $(${(sold).toFixed(2)})",${String(month).padStart(2, '0')}/01/${year},${month},x,${year}`)
      }
    })
    const { result } = await runReport(lines.join('\n'), { measures: 'Sales,COGS,Profit,Discounts,Units Sold,Sale Price' })
    expect(result.input.aggregation).toMatchObject({ Sales: 'sum', COGS: 'sum', Profit: 'sum', 'Sale Price': 'mean' })
    expect(result.input.weightedBy).toEqual({ 'Sale Price': 'Units Sold' })
    expect(result.totals['Sale Price']).toBeCloseTo(weighted / units, 2)
    expect(result.totals.Profit).toBeLessThan(0)
    const numberWarnings = result.input.warnings.filter(warning => warning.code === 'bad_number' || warning.code === 'more_warnings')
    // " $-   " is an accounting zero, not a bad number; the two "n/a" COGS cells are one warning.
    expect(numberWarnings).toHaveLength(1)
    expect(numberWarnings[0]).toMatchObject({ column: 'COGS', row: 8 })
    expect(numberWarnings[0]?.message).toMatch(/4 cells of "COGS" could not be read/)
    const auto = await runReport(lines.join('\n'))
    expect(auto.result.input.measures).toEqual(['Gross Sales', 'Sales', 'COGS', 'Profit', 'Discounts', 'Units Sold'])
    expect(auto.result.analytics.kpis.margin?.basis).toBe('Profit ÷ Sales')
  })

  it('combines groups beyond maxGroups into Other', async () => {
    const lines = ['date,store,sales']
    months(24).forEach(({ year, month }, i) => {
      for (let store = 1; store <= 5; store++) lines.push(`${year}-${String(month).padStart(2, '0')}-01,Store ${store},${seasonal(i) * store}`)
    })
    const { result } = await runReport(lines.join('\n'), {}, 3)
    expect(Object.keys(result.forecasts.byRegion)).toEqual(['Store 5', 'Store 4', 'Store 3', 'Other'])
  })

  it('honours the form fields', async () => {
    const lines = ['when,a,b']
    for (let day = 0; day < 120; day++) lines.push(`${new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10)},${day},${day * 2}`)
    const { result } = await runReport(lines.join('\n'), { measures: 'b', period: 'week', horizon: '4' })
    expect(result.input).toMatchObject({ measures: ['b'], period: 'week', horizon: 4 })
    expect(result.forecasts.overall.b?.forecast.map(point => point.period)[0]).toMatch(/^2024-W\d\d$/)
  })

  it('fails validation with what to change when nothing usable remains', async () => {
    expect((await failure('date,sales\n')).code).toBe('no_rows')
    expect((await failure('date,sales\nsoon,1\nlater,2\n')).code).toBe('no_date_column')
    expect((await failure('date,sales\n2024-01-01,a\n2024-01-02,b\n')).message).toMatch(/No numeric column/)
    expect((await failure('date,sales\n2024-01-01,1\n', { horizon: 'ten' })).message).toMatch(/horizon/)
  })
})

describe('report pipeline on threads', () => {
  it('reads the sample export on two threads to the same report as one pass', async () => {
    const csv = await readFile(new URL('../../../samples/sales.csv', import.meta.url))
    // Some damage, so warnings and their row numbers are compared too.
    const damaged = csv.toString('utf8').replace('\n100010,', '\n100010,not a date,').replace(/\n(100900,[^,]*),/, '\n$1,Nord,')
    const [inline, threaded] = [await runReport(damaged), await runReport(damaged, {}, 12, 2)]
    expect(threaded.result.input.warnings.length).toBeGreaterThan(0)
    const rounded = (value: unknown) => JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)))
    expect(rounded(threaded.result)).toEqual(rounded(inline.result))
  })

  it('skips a row with a cell over 64 KiB with a warning, and keeps long group names out of chart labels', async () => {
    const longName = `Region ${'n'.repeat(2000)}`
    const lines = ['date,region,sales']
    months(30).forEach(({ year, month }, i) => {
      lines.push(`${year}-${String(month).padStart(2, '0')}-01,North,${seasonal(i).toFixed(2)}`)
      lines.push(`${year}-${String(month).padStart(2, '0')}-01,${longName},${(seasonal(i) / 2).toFixed(2)}`)
    })
    lines.splice(5, 0, `2022-03-01,"${'x'.repeat(70 * 1024)}",12`)
    const { result, pdf } = await runReport(lines.join('\n') + '\n')
    expect(result.input.warnings).toContainEqual(expect.objectContaining({ code: 'cell_too_long', row: 6, column: 'region' }))
    expect(result.input.skippedRows).toBe(1)
    expect(Object.keys(result.forecasts.byRegion)).toContain(longName)
    const bars = result.charts.find(chart => chart.type === 'bar')
    expect(bars?.type === 'bar' && bars.categories.every(category => category.length <= 80)).toBe(true)
    expect((await stat(pdf)).size).toBeGreaterThan(1000)
  })

  it('fails in the upload stage, in a moment, when the file has no line break', async () => {
    // Full of separators, it is a header of far too many columns; without them, just no header.
    const wide = await failure('date,sales,'.repeat(100_000))
    expect(wide.code).toBe('too_many_columns')
    expect(wide.message).toMatch(/at least [\d,]+ columns.*at most 1,000/)
    expect((await failure('x'.repeat(300_000))).code).toBe('header_too_long')
  })
})

describe('report.pdf on the writer thread', () => {
  it('writes the next report on a new thread while the ended idle one is still exiting', async () => {
    const { result } = await runReport(await readFile(new URL('../../../samples/sales.csv', import.meta.url)))
    const first = join(dir, 'first.pdf')
    const second = join(dir, 'second.pdf')
    await writeReportPdfInThread(result, first, new AbortController().signal)
    // What the idle timer does; the next report comes before the old thread's exit is reported.
    endReportPdfWriter()
    await writeReportPdfInThread(result, second, new AbortController().signal)
    const written = await readFile(second)
    expect(written.subarray(0, 5).toString()).toBe('%PDF-')
    expect(written.length).toBeGreaterThan(1000)
  })

  it('fails a cancelled write with the cancellation, and the next write succeeds', async () => {
    const { result } = await runReport(await readFile(new URL('../../../samples/sales.csv', import.meta.url)))
    const cancel = new AbortController()
    const cancelled = writeReportPdfInThread(result, join(dir, 'cancelled.pdf'), cancel.signal)
    cancel.abort(new Error('cancelled by the user'))
    await expect(cancelled).rejects.toThrow('cancelled by the user')
    const next = join(dir, 'next.pdf')
    await writeReportPdfInThread(result, next, new AbortController().signal)
    expect((await stat(next)).size).toBeGreaterThan(1000)
  })
})
