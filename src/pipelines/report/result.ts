/**
 * The result document, field for field as CONTRACT.md's `report` shape, plus a few extras that
 * help a reader (file name, encoding, horizon, methods).
 */
import type { ChartSpec } from './charts.ts'
import type { MeasureKind } from './measure-kinds.ts'
import { isoDay } from './parse-date.ts'
import { need, type Analytics, type GroupForecasts, type ReportState } from './state.ts'
import type { Forecast } from './forecast.ts'
import type { ReportWarning } from './warnings.ts'
import { reportTotals } from './stages/analytics.ts'

export interface ReportDocument {
  pipeline: 'report'
  input: {
    rows: number
    skippedRows: number
    delimiter: string
    dateColumn: string
    dateFormat: string
    regionColumn: string | null
    departmentColumn: string | null
    measures: string[]
    period: string
    start: string
    end: string
    warnings: ReportWarning[]
    fileName: string
    encoding: string
    decimalSeparator: string
    horizon: number
    /** How each measure is rolled up per period: summed, or averaged (prices, rates, percents). */
    aggregation: Record<string, 'sum' | 'mean'>
    /** For averaged measures weighted by a quantity column: that column. */
    weightedBy: Record<string, string>
    /** What each measure was recognised as (revenue, cost, profit, money, count, price, rate, other). */
    measureKinds: Record<string, MeasureKind>
  }
  totals: Record<string, number>
  forecasts: { overall: Record<string, Forecast>, byRegion: GroupForecasts, byDepartment: GroupForecasts }
  analytics: Analytics
  charts: ChartSpec[]
  methods: string[]
}

export function buildDocument (state: ReportState): ReportDocument {
  const file = need(state.file, 'the file check')
  const roles = need(state.roles, 'column roles')
  const data = need(state.data, 'the parsed rows')
  const dates = need(state.dates, 'the dates')
  const series = need(state.series, 'the period series')
  const column = (index: number | null) => (index === null ? null : file.header[index] ?? null)
  return {
    pipeline: 'report',
    input: {
      rows: data.dataRows,
      skippedRows: data.skippedRows,
      delimiter: file.delimiter,
      dateColumn: column(roles.date) as string,
      dateFormat: dates.reading.format,
      regionColumn: column(roles.region),
      departmentColumn: column(roles.department),
      measures: roles.measures.map(measure => measure.name),
      period: series.period,
      start: isoDay(series.firstDay),
      end: isoDay(series.lastDay),
      warnings: state.warnings.toList(),
      fileName: state.fileName,
      encoding: file.encoding,
      decimalSeparator: need(state.decimal, 'the number format'),
      horizon: need(state.horizon, 'the horizon'),
      aggregation: Object.fromEntries(roles.measures.map(measure => [measure.name, measure.aggregation])),
      weightedBy: Object.fromEntries(roles.measures.flatMap(measure => (measure.weight ? [[measure.name, measure.weight.name]] : []))),
      measureKinds: Object.fromEntries(roles.measures.map(measure => [measure.name, measure.kind ?? 'other']))
    },
    totals: reportTotals(state),
    forecasts: { overall: state.overall, byRegion: state.byRegion, byDepartment: state.byDepartment },
    analytics: need(state.analytics, 'the analytics'),
    charts: state.charts,
    methods: methodsNote(state)
  }
}

/** How the numbers were made, in sentences: printed in the PDF and shown on the page. */
function methodsNote (state: ReportState): string[] {
  const series = need(state.series, 'the period series')
  return [
    `Money and counts were summed per ${series.period}; prices, rates and percents were averaged (weighted by the quantity column where the file has one), never summed. Periods with no rows are filled by linear interpolation for modelling; incomplete first or last periods are left out.`,
    'Candidate forecasts per series: MSTL (seasonal-trend decomposition with calendar season lengths: 12 months, 4 quarters, 52 weeks, 7 days, AutoETS on the adjusted series, from the augurs library) on the Box-Cox scale Guerrero\'s method chooses; classical seasonal indexes with AutoETS on the adjusted series; the Theta method; and seasonal naive. Histories shorter than two seasons use non-seasonal AutoETS and Theta instead and say so.',
    'Every candidate is backtested on rolling origins: the series is cut at several recent points, each candidate is fitted on the periods before and forecasts the whole horizon after, and is scored by MASE (below 1 beats a seasonal-naive forecast in-sample) and sMAPE. The two candidates with the lowest held-out MASE are averaged and published, and the accuracy shown is that average\'s own on the same folds (so slightly flattering: the pair was chosen on them). With fewer than two folds the report says the history is insufficient.',
    'Prediction intervals are calibrated per forecast step on the held-out errors; the stated coverage is measured on folds the calibration was not taken from.',
    'The largest groups are forecast individually; the rest are combined into "Other". Anomalies are periods more than 3.5 robust standard deviations from the model\'s in-sample fit, or groups that broke away from their peers (augurs DBSCAN). Change points come from augurs\' Bayesian online detector.'
  ]
}
