/**
 * Stage `analytics` (→80%): KPIs, anomalies (forecast residuals and peer outliers), correlations
 * between measures and change points in the overall series.
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import { prepareAugurs } from '../augurs.ts'
import { peerAnomalies, residualAnomalies, type Anomaly } from '../anomalies.ts'
import { detectChangePoints } from '../changepoints.ts'
import { computeKpis, correlate } from '../kpis.ts'
import { SEASON_LENGTH } from '../periods.ts'
import { need, type ReportState } from '../state.ts'

/** The document lists the strongest anomalies; a long tail of weak ones helps nobody. */
const MAX_ANOMALIES = 50

export async function analyse (ctx: StageContext<ReportState>): Promise<void> {
  const { state } = ctx
  const series = need(state.series, 'the period series')
  await prepareAugurs('outlier', 'changepoint')
  const totals = reportTotals(state)
  const kpis = computeKpis(series, totals, state.overall)
  ctx.progress(0.25, 'KPIs computed')
  const anomalies: Anomaly[] = state.fitted.flatMap(item => residualAnomalies(item.measure, item.series, series.labels, item.values, item.fitted))
  series.measures.forEach((measure, m) => {
    for (const groups of [series.regions, series.departments]) {
      anomalies.push(...peerAnomalies(measure.name, series.labels, groups.filter(group => group.combines === undefined).map(group => ({ name: group.name, values: group.values[m] as Float64Array }))))
    }
  })
  anomalies.sort((a, b) => b.score - a.score)
  ctx.progress(0.6, `${anomalies.length} anomalies found`)
  const changePoints = series.measures.flatMap((measure, m) => detectChangePoints(measure.name, 'Overall', series.labels, series.overall[m] as Float64Array, SEASON_LENGTH[series.period]))
  state.analytics = { kpis, anomalies: anomalies.slice(0, MAX_ANOMALIES), correlations: correlate(series), changePoints }
  ctx.progress(1, `${Math.min(anomalies.length, MAX_ANOMALIES)} anomalies, ${changePoints.length} change points`)
}

/** Totals over every usable row (partial edge periods included), per measure. */
export function reportTotals (state: ReportState): Record<string, number> {
  const data = need(state.data, 'the parsed rows')
  const days = need(state.dates, 'the dates').days
  const measures = need(state.roles, 'column roles').measures
  const totals: Record<string, number> = {}
  measures.forEach((measure, m) => {
    let sum = 0
    let count = 0
    for (let token = 0; token < days.length; token++) {
      if (Number.isNaN(days[token])) continue
      sum += data.sums[token * measures.length + m] ?? 0
      count += data.counts[token * measures.length + m] ?? 0
    }
    totals[measure.name] = Math.round((measure.aggregation === 'mean' && count > 0 ? sum / count : sum) * 100) / 100
  })
  return totals
}
