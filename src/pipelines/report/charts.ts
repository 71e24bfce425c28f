/**
 * Chart specifications, the one description of each chart that both the web page (which draws
 * them with its own library) and the PDF (pdf/line-chart.ts, pdf/bar-chart.ts) render. Data only:
 * no colours or pixel sizes, so each renderer styles them for its medium.
 */
import type { Anomaly } from './anomalies.ts'
import type { ChangePoint } from './changepoints.ts'
import type { Forecast, ForecastPoint } from './forecast.ts'
import { clipLabel } from './pdf/format.ts'
import type { GroupSeries } from './series.ts'

export interface ForecastChart {
  id: string
  title: string
  type: 'forecast'
  measure: string
  series: string
  model: string
  /** Interval level of the band, e.g. 0.95. */
  level: number
  history: Array<{ period: string, value: number | null }>
  forecast: ForecastPoint[]
  /** Periods to mark on the history line. */
  anomalies: Array<{ period: string, value: number, score: number }>
  changePoints: string[]
}

export interface BarChart {
  id: string
  title: string
  type: 'bar'
  measure: string
  /** What the categories are, e.g. `Region`. */
  dimension: string
  categories: string[]
  series: Array<{ name: string, values: number[] }>
}

export type ChartSpec = ForecastChart | BarChart

/** Group and column names are clipped in titles and categories (the result's keys keep the full name). */
const clip = (text: string) => clipLabel(text, 80)

export function forecastChart (measure: string, series: string, forecast: Forecast, anomalies: readonly Anomaly[], changePoints: readonly ChangePoint[]): ForecastChart {
  const slug = `${clip(series)}-${clip(measure)}`.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-')
  return {
    id: `forecast-${slug}`,
    title: `${clip(measure)} — ${clip(series)}: history and forecast`,
    type: 'forecast',
    measure,
    series,
    model: forecast.model,
    level: forecast.level,
    history: forecast.history,
    forecast: forecast.forecast,
    anomalies: anomalies.filter(item => item.series === series && item.measure === measure).map(({ period, value, score }) => ({ period, value, score })),
    changePoints: changePoints.filter(item => item.series === series && item.measure === measure).map(item => item.period)
  }
}

/** Each group's total so far beside its forecast total for the coming periods. */
export function groupBarChart (dimension: string, measure: string, measureIndex: number, groups: readonly GroupSeries[], forecasts: Record<string, Record<string, Forecast>>): BarChart {
  const horizon = Object.values(forecasts)[0]?.[measure]?.forecast.length ?? 0
  return {
    id: `groups-${clip(dimension).toLowerCase()}-${clip(measure).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-')}`,
    title: `${clip(measure)} by ${clip(dimension).toLowerCase()}`,
    type: 'bar',
    measure,
    dimension,
    categories: groups.map(group => clip(group.name)),
    series: [
      { name: 'Total in the data', values: groups.map(group => Math.round((group.total[measureIndex] ?? 0) * 100) / 100) },
      {
        name: `Forecast, next ${horizon} periods`,
        values: groups.map(group => Math.round((forecasts[group.name]?.[measure]?.forecast ?? []).reduce((sum, point) => sum + point.value, 0) * 100) / 100)
      }
    ]
  }
}
