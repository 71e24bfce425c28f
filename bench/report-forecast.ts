/**
 * Forecasting throughput: 200 monthly series of 36 points (trend + yearly season + noise), each
 * backtested on rolling origins (two folds here, every candidate fitted in each) and refitted,
 * inline and on worker threads. Target: under 2 s for the batch.
 *
 *   node bench/report-forecast.ts
 */
import { seededRandom } from '../samples/generate-sales.ts'
import { forecastMany } from '../src/pipelines/report/forecast-pool.ts'
import type { SeriesInput } from '../src/pipelines/report/forecast.ts'
import { table } from './report-bench-log.ts'
import { machine, record } from './support/report.ts'

const startedOn = machine()

const SERIES = 200
const LENGTH = 36
const random = seededRandom(36)
const labels = Array.from({ length: LENGTH }, (_, i) => `${2022 + Math.floor(i / 12)}-${String(i % 12 + 1).padStart(2, '0')}`)
const futureLabels = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`)
const inputs: SeriesInput[] = Array.from({ length: SERIES }, () => {
  const level = 500 + 5000 * random()
  return { values: labels.map((_, i) => level * (1 + 0.01 * i + 0.2 * Math.sin((2 * Math.PI * i) / 12) + 0.05 * (random() - 0.5))), labels, futureLabels, season: 12 }
})

const rows: Array<[string, string]> = []
for (const helpers of [0, 1]) {
  const started = performance.now()
  const outcomes = await forecastMany(inputs, { signal: new AbortController().signal, helpers })
  const seconds = (performance.now() - started) / 1000
  const beaten = outcomes.filter(outcome => (outcome.forecast.accuracy?.mase ?? Infinity) < (outcome.forecast.accuracy?.baselineMase ?? 0)).length
  const coverage = outcomes.reduce((sum, outcome) => sum + (outcome.forecast.accuracy?.coverage ?? 0), 0) / outcomes.length
  const label = helpers === 0 ? 'main thread only' : `main thread + ${helpers} helper thread${helpers > 1 ? 's' : ''}`
  rows.push([`${label}: ${SERIES} series × ${LENGTH} months`, `${seconds.toFixed(2)} s (${(seconds * 1000 / SERIES).toFixed(1)} ms/series) ${seconds < 2 ? '✓ < 2 s' : '✗ target 2 s'}`])
  rows.push([`${label}: model beat seasonal naive`, `${beaten}/${SERIES}; mean interval coverage ${(coverage * 100).toFixed(1)}% (stated 95%)`])
}
const output = table(rows)
console.log(output)
record('Report: forecasting 200 series × 36 months', 'node bench/report-forecast.ts', output, startedOn)
