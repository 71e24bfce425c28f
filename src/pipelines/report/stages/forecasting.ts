/**
 * Stages `forecasting` (overall, →50%), `regional` (→60%) and `departmental` (→70%): one
 * backtested forecast per measure and series, with progress per series. The report's PDF writer
 * starts meanwhile (pdf/write-in-thread.ts).
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { Forecast, SeriesInput } from '../forecast.ts'
import { forecastMany } from '../forecast-pool.ts'
import { warmReportPdfWriter } from '../pdf/write-in-thread.ts'
import { SEASON_LENGTH } from '../periods.ts'
import type { GroupSeries } from '../series.ts'
import { need, type ReportState } from '../state.ts'

interface Job { series: string, measure: string, values: Float64Array }

async function run (ctx: StageContext<ReportState>, jobs: Job[], what: string): Promise<Forecast[]> {
  const series = need(ctx.state.series, 'the period series')
  const futureLabels = need(ctx.state.futureLabels, 'the forecast periods')
  const inputs: SeriesInput[] = jobs.map(job => ({ values: job.values, labels: series.labels, futureLabels, season: SEASON_LENGTH[series.period] }))
  const started = performance.now()
  const outcomes = await forecastMany(inputs, {
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done / total, `Forecast ${done} of ${total} ${what} series`, { series: done, total })
  })
  ctx.state.timings[what] = (performance.now() - started) / 1000
  outcomes.forEach((outcome, i) => {
    const job = jobs[i] as Job
    if (outcome.fitted) ctx.state.fitted.push({ measure: job.measure, series: job.series, values: job.values, fitted: outcome.fitted })
  })
  return outcomes.map(outcome => outcome.forecast)
}

export async function forecastOverall (ctx: StageContext<ReportState>): Promise<void> {
  warmReportPdfWriter()
  const series = need(ctx.state.series, 'the period series')
  const jobs = series.measures.map((measure, m) => ({ series: 'Overall', measure: measure.name, values: series.overall[m] as Float64Array }))
  const forecasts = await run(ctx, jobs, 'overall')
  jobs.forEach((job, i) => { ctx.state.overall[job.measure] = forecasts[i] as Forecast })
}

function groupStage (pick: 'regions' | 'departments', target: 'byRegion' | 'byDepartment', what: string) {
  return async (ctx: StageContext<ReportState>): Promise<void> => {
    const series = need(ctx.state.series, 'the period series')
    const groups: GroupSeries[] = series[pick]
    if (groups.length === 0) {
      ctx.progress(1, `No ${what} column, nothing to forecast`)
      return
    }
    const jobs = groups.flatMap(group => series.measures.map((measure, m) => ({ series: group.name, measure: measure.name, values: group.values[m] as Float64Array })))
    const forecasts = await run(ctx, jobs, what)
    jobs.forEach((job, i) => {
      const byGroup = ctx.state[target][job.series] ??= {}
      byGroup[job.measure] = forecasts[i] as Forecast
    })
  }
}

export const forecastRegions = groupStage('regions', 'byRegion', 'regional')
export const forecastDepartments = groupStage('departments', 'byDepartment', 'departmental')
