/**
 * Stage `visualizations` (→90%): the chart specifications — each measure's overall history and
 * forecast with anomalies marked, and the breakdown by region and department.
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import { forecastChart, groupBarChart, type ChartSpec } from '../charts.ts'
import { need, type ReportState } from '../state.ts'

export async function buildCharts (ctx: StageContext<ReportState>): Promise<void> {
  const { state } = ctx
  const series = need(state.series, 'the period series')
  const roles = need(state.roles, 'column roles')
  const header = need(state.file, 'the file check').header
  const analytics = need(state.analytics, 'the analytics')
  const charts: ChartSpec[] = []
  for (const measure of series.measures) {
    const forecast = state.overall[measure.name]
    if (forecast) charts.push(forecastChart(measure.name, 'Overall', forecast, analytics.anomalies, analytics.changePoints))
  }
  const primary = series.measures[0]
  if (primary) {
    if (series.regions.length > 0 && roles.region !== null) charts.push(groupBarChart(header[roles.region] ?? 'Region', primary.name, 0, series.regions, state.byRegion))
    if (series.departments.length > 0 && roles.department !== null) charts.push(groupBarChart(header[roles.department] ?? 'Department', primary.name, 0, series.departments, state.byDepartment))
  }
  state.charts = charts
  ctx.progress(1, `${charts.length} charts`)
}
