/**
 * Stage `preparing` (→25%): turns the per-date sums into period series — chooses the period (or
 * takes the form field), drops partial edge periods, keeps the largest groups — and fixes the
 * forecast horizon.
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import { DEFAULT_HORIZON, periodLabel } from '../periods.ts'
import { buildSeries } from '../series.ts'
import { need, type ReportState } from '../state.ts'

export function createPrepareSeries (maxGroups: number) {
  return async function prepareSeries (ctx: StageContext<ReportState>): Promise<void> {
    const { state } = ctx
    const roles = need(state.roles, 'column roles')
    const series = buildSeries({
      data: need(state.data, 'the parsed rows'),
      days: need(state.dates, 'the dates').days,
      measures: roles.measures,
      period: state.options.period,
      maxGroups,
      warnings: state.warnings
    })
    const length = series.labels.length
    // Forecasting further ahead than half the history promises more than the data can support.
    const horizon = state.options.horizon ?? Math.max(1, Math.min(DEFAULT_HORIZON[series.period], Math.ceil(length / 2)))
    state.series = series
    state.horizon = horizon
    state.futureLabels = Array.from({ length: horizon }, (_, h) => periodLabel(series.period, series.firstIndex + length + h))
    ctx.progress(1, `${length} ${series.period}s from ${series.labels[0]} to ${series.labels[length - 1]}`, { periods: length, period: series.period, horizon })
  }
}
