/**
 * The shapes the page reads from the server, as fixed in shared/CONTRACT.md. Only the page's
 * JSDoc types use this file; it is never served. Fields the contract leaves open are optional.
 */
import type { Chart } from 'chart.js'

declare global {
  interface Window {
    /** Set by the locally served Chart.js UMD bundle (`/assets/vendor/chart.umd.min.js`). */
    Chart?: typeof Chart
  }
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'
export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'

export interface PublicStage {
  name: string
  title?: string
  status: StageStatus
  percent: number
  startedAt: string | null
  finishedAt: string | null
}

export interface JobError {
  code: string
  message: string
  stage: string | null
  location?: Record<string, string | number>
}

export interface PublicJob {
  id: string
  pipeline: string
  status: JobStatus
  stage: string | null
  percent: number
  message: string
  stages: PublicStage[]
  error: JobError | null
  createdAt: string
  updatedAt: string
  expiresAt: string | null
  /** Names of the uploaded files, when the server shares them. */
  files?: Array<{ name: string, bytes?: number, type?: string }>
}

export interface UploadReply {
  id: string
  pipeline: string
  status: JobStatus
  createdAt: string
  links: { self: string, events: string, result: string }
}

export interface ConnectedData { jobId: string, status: JobStatus | 'waiting' }
export interface HeartbeatData { jobId: string, status: JobStatus | 'waiting', at: string }
export interface ProgressData {
  jobId: string
  seq: number
  stage: string
  stageIndex: number
  stageCount: number
  percent: number
  message: string
  status: 'queued' | 'running'
  at: string
  phase?: 'queued' | 'started' | 'advanced' | 'finished' | 'received'
  title?: string
  detail?: Record<string, unknown>
}
export interface CompleteData { jobId: string, seq: number, percent: 100, result: string, at?: string }
export interface FailedData { jobId: string, seq: number, stage: string | null, code: string, message: string, at?: string, location?: Record<string, string | number> }
export interface EndedData { jobId: string, seq: number, message: string, at?: string }
export interface TimeoutData { jobId: string, reason: 'job_not_found' | 'max_duration' }

/** What the stream follower hands the page: one stream event, already parsed and deduplicated. */
export type StreamEvent =
  | { type: 'connected', data: ConnectedData }
  | { type: 'heartbeat', data: HeartbeatData }
  | { type: 'progress', data: ProgressData }
  | { type: 'complete', data: CompleteData }
  | { type: 'failed', data: FailedData }
  | { type: 'cancelled' | 'interrupted', data: EndedData }
  | { type: 'timeout', data: TimeoutData }
  | { type: 'expired', data: { jobId: string, message: string } }

export interface InputWarning { code: string, message: string, row?: number, column?: string }

export interface Accuracy {
  holdout: number
  folds?: number
  mase: number | null
  smape: number | null
  baselineMase: number | null
  coverage: number | null
  level?: number
}

export interface Forecast {
  model: string
  history: Array<{ period: string, value: number | null }>
  forecast: Array<{ period: string, value: number, lower: number, upper: number }>
  accuracy: Accuracy | null
  /** Interval level of lower/upper, e.g. 0.95. */
  level?: number
  /** Plain-language caveats (short history, baseline published…). */
  notes?: string[]
}

export interface Anomaly { measure: string, series: string, period: string, value: number, expected: number, score: number, method?: string }

export interface MeasureKpis {
  total: number
  lastPeriod: { period: string, value: number } | null
  periodOverPeriod: number | null
  yearOverYear: number | null
  forecastNext: { periods: number, total: number } | null
}
export interface GroupRanking { name: string, total: number, growth: number | null }
export interface Rankings { measure: string, best: GroupRanking, worst: GroupRanking, fastestGrowing: GroupRanking | null, slowestGrowing: GroupRanking | null }
export interface Kpis {
  measures: Record<string, MeasureKpis>
  margin: { revenue: string, basis: string, value: number } | null
  regions: Rankings | null
  departments: Rankings | null
}

export interface ReportResult {
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
    warnings: InputWarning[]
    fileName?: string
    horizon?: number
  }
  totals: Record<string, number>
  forecasts: {
    overall: Record<string, Forecast>
    byRegion: Record<string, Record<string, Forecast>>
    byDepartment: Record<string, Record<string, Forecast>>
  }
  analytics: {
    kpis: Partial<Kpis>
    anomalies: Anomaly[]
    correlations: Array<{ a: string, b: string, r: number, periods?: number }>
    changePoints?: Array<{ measure: string, series: string, period: string, before: number, after: number }>
  }
  charts: ChartSpec[]
  /** How the numbers were made, in sentences. */
  methods?: string[]
}

/** Mirrors src/pipelines/report/charts.ts: history and forecast of one series. */
export interface ForecastChartSpec {
  id: string
  title: string
  type: 'forecast'
  measure: string
  series: string
  model: string
  level: number
  history: Array<{ period: string, value: number | null }>
  forecast: Array<{ period: string, value: number, lower: number, upper: number }>
  anomalies: Array<{ period: string, value: number, score: number }>
  changePoints: string[]
}

/** Mirrors src/pipelines/report/charts.ts: named series of values per category. */
export interface BarChartSpec {
  id: string
  title: string
  type: 'bar'
  measure: string
  dimension: string
  categories: string[]
  series: Array<{ name: string, values: number[] }>
}

/** A chart as the report describes it. Types this page does not know are skipped. */
export type ChartSpec = ForecastChartSpec | BarChartSpec | { id: string, title: string, type: string }

export interface IntakePage {
  number: number
  text: string
  source: 'text' | 'ocr'
  /** OCR engine confidence, 0..1. */
  confidence?: number
  dpi?: number
  skipped?: boolean
  warnings?: string[]
}

export interface IntakeDocument {
  name: string
  type: string
  bytes: number
  sha256: string
  pageCount: number
  pages: IntakePage[]
  /** Lists of found values (`{ value, text?, page, … }`) by kind, plus `total` (one amount or null). */
  extracted: Record<string, unknown>
  /** Null in a partial result saved before archiving. */
  archive: { provider: string, location: string, id?: string } | null
}

export interface IntakeResult {
  pipeline: 'intake'
  fields: Record<string, unknown>
  documents: IntakeDocument[]
  /** Null in a partial result saved before exporting. */
  export: { provider: string, location: string, range?: string, header?: string[], row: unknown[] } | null
  summary?: { documents: number, pages: number, ocrPages: number, skippedPages: number }
  warnings?: Array<{ file: string, page?: number, message: string }>
}

export type JobResult = ReportResult | IntakeResult
