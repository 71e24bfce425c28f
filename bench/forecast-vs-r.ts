/**
 * Forecast accuracy side by side with R's forecast package: monthly and quarterly series that
 * ship with R (datasets, forecast, AER, lmtest, tseries, strucchange), the last season of each
 * held out. R fits ets(), auto.arima() and snaive() on the training part (forecast-vs-r.R);
 * stagecast forecasts the same training part through the report's forecasting module
 * (forecastMany, as the forecasting stage calls it). Per series: MASE, sMAPE, 95% interval
 * coverage and interval width; means per set. The "primary" set is the one the issue measured;
 * the "holdout" set was not looked at while the method was chosen.
 *
 *   npm run bench:forecast:r
 *
 * Needs Rscript with the forecast package (and AER, lmtest, tseries, strucchange for the series);
 * when they are missing it installs them from Debian with apt-get (root only) and says so.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forecastMany } from '../src/pipelines/report/forecast-pool.ts'
import type { SeriesInput } from '../src/pipelines/report/forecast.ts'
import { machine, record, table } from './support/report.ts'

interface Interval { mean: number[], lower: number[], upper: number[] }
interface RSeries { set: string, name: string, frequency: number, start: [number, number], train: number[], test: number[], ets: Interval, arima: Interval, snaive: Interval }
interface Metrics { mase: number, smape: number, coverage: number, width: number }

const METHODS = ['stagecast', 'ets', 'arima', 'snaive'] as const
type Method = typeof METHODS[number]

const startedOn = machine()
ensureR()
const scratch = mkdtempSync(join(tmpdir(), 'stagecast-forecast-vs-r-'))
let exported: { r: string, forecast: string, series: RSeries[] }
try {
  const output = join(scratch, 'r.json')
  console.log('Fitting ets(), auto.arima() and snaive() in R (a minute or two)…')
  execFileSync('Rscript', [fileURLToPath(new URL('./forecast-vs-r.R', import.meta.url)), output], { stdio: ['ignore', 'ignore', 'inherit'] })
  exported = JSON.parse(readFileSync(output, 'utf8')) as typeof exported
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

const label = (s: RSeries, i: number) => {
  const index = s.start[1] - 1 + i
  const year = s.start[0] + Math.floor(index / s.frequency)
  const position = index % s.frequency + 1
  return s.frequency === 12 ? `${year}-${String(position).padStart(2, '0')}` : `${year}-Q${position}`
}
const inputs: SeriesInput[] = exported.series.map(s => ({
  values: s.train,
  labels: s.train.map((_, i) => label(s, i)),
  futureLabels: s.test.map((_, i) => label(s, s.train.length + i)),
  season: s.frequency
}))
const started = performance.now()
const outcomes = await forecastMany(inputs, { signal: new AbortController().signal })
const seconds = (performance.now() - started) / 1000

const rows: Array<Array<string | number>> = []
const results: Array<{ set: string, metrics: Record<Method, Metrics>, points: number }> = []
exported.series.forEach((s, i) => {
  const published = outcomes[i]?.forecast
  if (!published) throw new Error(`no forecast for ${s.name}`)
  const ours: Interval = { mean: published.forecast.map(p => p.value), lower: published.forecast.map(p => p.lower), upper: published.forecast.map(p => p.upper) }
  const metrics = Object.fromEntries(METHODS.map(method => [method, measure(s, method === 'stagecast' ? ours : s[method])])) as Record<Method, Metrics>
  results.push({ set: s.set, metrics, points: s.test.length })
  const claimed = published.accuracy
  rows.push([s.set, s.name, s.frequency === 12 ? 'month' : 'quarter', s.train.length,
    ...METHODS.map(method => fmt(metrics[method].mase)),
    ...METHODS.slice(0, 3).map(method => fmt(metrics[method].smape, 1)),
    ...METHODS.slice(0, 3).map(method => pct(metrics[method].coverage)),
    ...METHODS.slice(0, 3).map(method => pct(metrics[method].width)),
    published.model.replace(/\|/g, '/'), claimed ? `${fmt(claimed.mase ?? Number.NaN)} / ${claimed.coverage === null ? '—' : pct(claimed.coverage)}` : 'insufficient history'])
})

const summary: Array<Array<string | number>> = []
for (const set of ['primary', 'holdout', 'all']) {
  const chosen = results.filter(result => set === 'all' || result.set === set)
  const mean = (method: Method, key: keyof Metrics) => chosen.reduce((sum, result) => sum + result.metrics[method][key], 0) / chosen.length
  const pooled = (method: Method) => chosen.reduce((sum, result) => sum + result.metrics[method].coverage * result.points, 0) / chosen.reduce((sum, result) => sum + result.points, 0)
  summary.push([set, chosen.length, ...METHODS.map(method => fmt(mean(method, 'mase'))), ...METHODS.slice(0, 3).map(method => fmt(mean(method, 'smape'), 1)), ...METHODS.slice(0, 3).map(method => pct(pooled(method))), ...METHODS.slice(0, 3).map(method => pct(mean(method, 'width')))])
}

const body = [
  `${exported.r}, forecast ${exported.forecast}. Last season held out (12 months, 4 quarters); series longer than 20 years cut to their last 20. stagecast: ${seconds.toFixed(2)} s for ${inputs.length} series.`,
  'MASE scaled by the training part\'s in-sample seasonal-naive error (as `forecast::accuracy`); coverage of the 95% intervals; width = mean interval width ÷ mean actual level. "claimed" = the MASE / coverage the report states for the series (its own backtest).',
  '',
  '**Means** (coverage pooled over all held-out points):',
  '',
  table(['set', 'series', 'MASE stagecast', 'MASE ets', 'MASE arima', 'MASE snaive', 'sMAPE stagecast', 'sMAPE ets', 'sMAPE arima', 'cover stagecast', 'cover ets', 'cover arima', 'width stagecast', 'width ets', 'width arima'], summary),
  '',
  '**Per series:**',
  '',
  table(['set', 'series', 'period', 'train', 'MASE stagecast', 'MASE ets', 'MASE arima', 'MASE snaive', 'sMAPE stagecast', 'sMAPE ets', 'sMAPE arima', 'cover stagecast', 'cover ets', 'cover arima', 'width stagecast', 'width ets', 'width arima', 'stagecast model', 'claimed'], rows)
].join('\n')
record('Report: forecasts side by side with R\'s forecast package', 'npm run bench:forecast:r', body, startedOn)

function measure (s: RSeries, forecast: Interval): Metrics {
  const m = s.frequency
  let scale = 0
  for (let t = m; t < s.train.length; t++) scale += Math.abs((s.train[t] as number) - (s.train[t - m] as number))
  scale /= s.train.length - m
  let absolute = 0
  let smape = 0
  let inside = 0
  let width = 0
  let level = 0
  s.test.forEach((actual, h) => {
    const point = forecast.mean[h] as number
    absolute += Math.abs(actual - point)
    smape += 200 * Math.abs(actual - point) / (Math.abs(actual) + Math.abs(point))
    if (actual >= (forecast.lower[h] as number) && actual <= (forecast.upper[h] as number)) inside++
    width += (forecast.upper[h] as number) - (forecast.lower[h] as number)
    level += Math.abs(actual)
  })
  const n = s.test.length
  return { mase: absolute / n / scale, smape: smape / n, coverage: inside / n, width: width / level }
}

function ensureR (): void {
  try {
    execFileSync('Rscript', ['-e', 'for (p in c("forecast", "jsonlite", "AER", "lmtest", "tseries", "strucchange")) suppressMessages(library(p, character.only = TRUE))'], { stdio: 'ignore' })
    return
  } catch {
    console.log('Rscript, the forecast package or the packages holding the series were not found: installing r-base-core, r-cran-forecast, r-cran-jsonlite, r-cran-aer, r-cran-lmtest, r-cran-tseries and r-cran-strucchange with apt-get (needs root).')
  }
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'r-base-core', 'r-cran-forecast', 'r-cran-jsonlite', 'r-cran-aer', 'r-cran-lmtest', 'r-cran-tseries', 'r-cran-strucchange'], { stdio: 'inherit' })
}

function fmt (value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—'
}

function pct (value: number): string {
  return Number.isFinite(value) ? `${Math.round(value * 100)}%` : '—'
}
