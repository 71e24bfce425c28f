/**
 * The `report` pipeline: a CSV/TSV export in, a forecast report out (JSON document + report.pdf).
 *
 *   upload 5 → validation 15 → preparing 25 → forecasting 50 → regional 60 → departmental 70
 *   → analytics 80 → visualizations 90 → finalizing 95 → complete 100
 *
 * The contract's "forecasting 25 and 50" is `preparing` (period series ready at 25%) followed by
 * `forecasting` (the overall forecasts, backtested, at 50%).
 */
import type { Pipeline } from '../../jobs/pipeline.ts'
import { analyse } from './stages/analytics.ts'
import { verifyArtifacts } from './stages/complete.ts'
import { REPORT_ARTIFACTS } from './artifacts.ts'
import { finalize } from './stages/finalizing.ts'
import { forecastDepartments, forecastOverall, forecastRegions } from './stages/forecasting.ts'
import { createPrepareSeries } from './stages/preparing.ts'
import { createCheckUpload } from './stages/upload.ts'
import { createValidateRows, THREAD_MIN_BYTES } from './stages/validation.ts'
import { buildCharts } from './stages/visualizations.ts'
import { createReportState, type ReportState } from './state.ts'

export interface ReportPipelineOptions {
  /** Groups forecast individually per region/department (config REPORT_MAX_GROUPS). */
  maxGroups: number
  /** Most threads one big file is read with (config REPORT_READ_THREADS); default 2. */
  readThreads?: number
}

export function createReportPipeline ({ maxGroups, readThreads = 2 }: ReportPipelineOptions): Pipeline<ReportState> {
  return {
    name: 'report',
    accepts: ['text/csv', 'text/tab-separated-values'],
    multipleFiles: false,
    readsWhileUploading: true,
    createState: createReportState,
    artifacts: REPORT_ARTIFACTS,
    stages: [
      { name: 'upload', title: 'Checking the file', endPercent: 5, run: createCheckUpload({ threadMinBytes: THREAD_MIN_BYTES, readThreads }) },
      { name: 'validation', title: 'Reading and validating rows', endPercent: 15, run: createValidateRows({ readThreads }) },
      { name: 'preparing', title: 'Building period series', endPercent: 25, run: createPrepareSeries(maxGroups) },
      { name: 'forecasting', title: 'Forecasting overall totals', endPercent: 50, run: forecastOverall },
      { name: 'regional', title: 'Forecasting each region', endPercent: 60, run: forecastRegions },
      { name: 'departmental', title: 'Forecasting each department', endPercent: 70, run: forecastDepartments },
      { name: 'analytics', title: 'Computing KPIs and anomalies', endPercent: 80, run: analyse },
      { name: 'visualizations', title: 'Preparing charts', endPercent: 90, run: buildCharts },
      { name: 'finalizing', title: 'Writing the report', endPercent: 95, run: finalize },
      { name: 'complete', title: 'Checking the report files', endPercent: 100, run: verifyArtifacts }
    ]
  }
}
