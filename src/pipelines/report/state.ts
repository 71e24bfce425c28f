/**
 * What the report's stages hand each other. Each stage fills in its part; `need` turns a
 * missing earlier part into an internal error naming it (a stage order mistake, never user input).
 */
import type { AggregateData } from './aggregate-data.ts'
import type { Anomaly } from './anomalies.ts'
import type { ArrivingRead } from './arriving-read.ts'
import type { ChangePoint } from './changepoints.ts'
import type { ChartSpec } from './charts.ts'
import type { Forecast } from './forecast.ts'
import type { Correlation, Kpis } from './kpis.ts'
import type { ReportOptions } from './options.ts'
import type { DecimalSeparator } from './parse-number.ts'
import type { ResolvedDates } from './resolve-dates.ts'
import type { ColumnRoles } from './roles.ts'
import type { SeriesSet } from './series.ts'
import type { FileShape } from './sniff.ts'
import { WarningLog } from './warnings.ts'

export type GroupForecasts = Record<string, Record<string, Forecast>>

/** In-sample fit of one series, kept for residual anomaly detection. */
export interface FittedSeries { measure: string, series: string, values: Float64Array, fitted: number[] }

export interface Analytics {
  kpis: Kpis
  anomalies: Anomaly[]
  correlations: Correlation[]
  changePoints: ChangePoint[]
}

export interface ReportState {
  fileName: string
  options: ReportOptions
  warnings: WarningLog
  file?: FileShape
  /** The read pass the upload stage started on the file while it was still arriving. */
  arrivingRead?: ArrivingRead
  decimal?: DecimalSeparator
  roles?: ColumnRoles
  data?: AggregateData
  dates?: ResolvedDates
  series?: SeriesSet
  horizon?: number
  futureLabels?: string[]
  overall: Record<string, Forecast>
  byRegion: GroupForecasts
  byDepartment: GroupForecasts
  fitted: FittedSeries[]
  analytics?: Analytics
  charts: ChartSpec[]
  /** Seconds each forecasting stage took, for the methods note. */
  timings: Record<string, number>
}

export function createReportState (): ReportState {
  return { fileName: '', options: {}, warnings: new WarningLog(), overall: {}, byRegion: {}, byDepartment: {}, fitted: [], charts: [], timings: {} }
}

export function need<T> (value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Report stage ran before ${what} was available`)
  return value
}
