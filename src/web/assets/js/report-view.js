// @ts-check
/**
 * The report: what was read, the key figures, the charts, how accurate each forecast was
 * against its seasonal-naive baseline, the anomalies, the data-quality warnings, how the
 * numbers were made, and the downloads (JSON and report.pdf).
 */
import { h, replaceChildren } from './dom.js'
import { formatNumber, formatPercent } from './format.js'
import { renderCharts } from './report-charts.js'
import { keyFigures } from './report-kpis.js'
import { dataTable, resultSection } from './tables.js'
import { jobLinks } from './api.js'

/** @typedef {import('../../types/contract').ReportResult} ReportResult */
/** @typedef {import('../../types/contract').Forecast} Forecast */

/** @type {Record<string, string>} */
const periodAdjective = { day: 'daily', week: 'weekly', month: 'monthly', quarter: 'quarterly', year: 'yearly' }

/** @param {ReportResult} report */
function facts (report) {
  const { input } = report
  return [
    `${formatNumber(input.rows)} rows`,
    input.skippedRows ? `${formatNumber(input.skippedRows)} skipped` : null,
    `${periodAdjective[input.period] ?? input.period} from ${input.start} to ${input.end}`,
    input.horizon ? `forecast ${input.horizon} periods ahead` : null,
    `dates from “${input.dateColumn}”`,
    input.regionColumn ? `regions from “${input.regionColumn}”` : null,
    input.departmentColumn ? `departments from “${input.departmentColumn}”` : null
  ].filter(Boolean).join(' · ')
}

/** @param {string} jobId */
function downloads (jobId) {
  const links = jobLinks(jobId)
  return h('div', { class: 'downloads' }, [
    h('a', { class: 'button button--primary', href: links.pdf, download: true, text: 'Download PDF report' }),
    h('a', { class: 'button', href: links.result, download: `stagecast-${jobId.slice(0, 8)}.json`, text: 'Download JSON' })
  ])
}

/**
 * Every forecast, overall first, then per region and department.
 * @param {ReportResult} report
 */
function forecastRows (report) {
  /** @type {Array<{ series: string, measure: string, forecast: Forecast }>} */
  const rows = []
  const add = (/** @type {string} */ series, /** @type {Record<string, Forecast>} */ byMeasure) => {
    for (const [measure, forecast] of Object.entries(byMeasure)) rows.push({ series, measure, forecast })
  }
  add('overall', report.forecasts.overall)
  for (const [region, byMeasure] of Object.entries(report.forecasts.byRegion ?? {})) add(`${region} (region)`, byMeasure)
  for (const [department, byMeasure] of Object.entries(report.forecasts.byDepartment ?? {})) add(`${department} (department)`, byMeasure)
  return rows
}

/** @param {Forecast} forecast */
function verdict (forecast) {
  const accuracy = forecast.accuracy
  if (!accuracy || accuracy.mase === null) return h('span', { class: 'badge', text: 'Not enough history to test' })
  if (accuracy.baselineMase === null || accuracy.baselineMase === 0) return h('span', { class: 'badge', text: 'No baseline to compare' })
  const gain = 1 - accuracy.mase / accuracy.baselineMase
  if (Math.abs(gain) < 0.005) return h('span', { class: 'badge', text: 'Same as baseline' })
  return gain > 0
    ? h('span', { class: 'badge badge--good', text: `${formatPercent(gain)} better than baseline` })
    : h('span', { class: 'badge badge--warn', text: `${formatPercent(-gain)} worse than baseline` })
}

/**
 * Overall forecasts in view; the per-group ones, often dozens, one click away.
 * @param {ReportResult} report
 */
function accuracyTables (report) {
  const rows = forecastRows(report)
  const overall = rows.filter(row => row.series === 'overall')
  const groups = rows.filter(row => row.series !== 'overall')
  return [
    accuracyTable('Accuracy of the overall forecasts against the baseline', overall),
    groups.length
      ? h('details', { class: 'more' }, [
        h('summary', { class: 'more__summary', text: `Accuracy of the ${groups.length} region and department forecasts` }),
        accuracyTable('Accuracy of the region and department forecasts against the baseline', groups)
      ])
      : null
  ]
}

/**
 * @param {string} caption
 * @param {ReturnType<typeof forecastRows>} forecasts
 */
function accuracyTable (caption, forecasts) {
  const columns = [
    { label: 'Forecast' }, { label: 'Vs baseline' }, { label: 'MASE', numeric: true }, { label: 'Baseline', numeric: true },
    { label: 'sMAPE', numeric: true }, { label: 'Coverage', numeric: true }
  ]
  const rows = forecasts.map(({ series, measure, forecast }) => {
    const accuracy = forecast.accuracy
    return [
      h('span', { class: 'forecast-name' }, [
        h('span', { text: `${measure}, ${series}` }),
        h('span', { class: 'forecast-name__model', text: forecast.model }),
        ...(forecast.notes ?? []).map(note => h('span', { class: 'forecast-name__note', text: note }))
      ]),
      verdict(forecast),
      formatNumber(accuracy?.mase),
      formatNumber(accuracy?.baselineMase),
      accuracy?.smape === null || accuracy?.smape === undefined ? '—' : `${formatNumber(accuracy.smape)}%`,
      formatPercent(accuracy?.coverage)
    ]
  })
  return dataTable(caption, columns, rows)
}

const SHOWN_ANOMALIES = 8

/**
 * The strongest anomalies first; the rest one click away.
 * @param {ReportResult} report
 */
function anomaliesTables (report) {
  const columns = [{ label: 'Period', nowrap: true }, { label: 'Series' }, { label: 'Measure' }, { label: 'Value', numeric: true }, { label: 'Expected', numeric: true }, { label: 'Score', numeric: true }, { label: 'Found by', nowrap: true }]
  const sorted = [...report.analytics.anomalies].sort((a, b) => Math.abs(b.score) - Math.abs(a.score))
  const toRow = (/** @type {import('../../types/contract').Anomaly} */ anomaly) => [
    anomaly.period, anomaly.series, anomaly.measure, formatNumber(anomaly.value), formatNumber(anomaly.expected), formatNumber(anomaly.score), anomaly.method ?? '—'
  ]
  const rest = sorted.slice(SHOWN_ANOMALIES)
  return [
    dataTable('Strongest anomalies', columns, sorted.slice(0, SHOWN_ANOMALIES).map(toRow)),
    rest.length
      ? h('details', { class: 'more' }, [
        h('summary', { class: 'more__summary', text: `${rest.length} more anomal${rest.length === 1 ? 'y' : 'ies'}` }),
        dataTable('More anomalies', columns, rest.map(toRow))
      ])
      : null
  ]
}

/** @param {ReportResult} report */
function correlationsTable (report) {
  const rows = report.analytics.correlations.map(pair => [`${pair.a} and ${pair.b}`, formatNumber(pair.r), pair.periods === undefined ? '—' : String(pair.periods)])
  return dataTable('Correlations between measures', [{ label: 'Measures' }, { label: 'Correlation (r)', numeric: true }, { label: 'Periods', numeric: true }], rows)
}

/** @param {ReportResult} report */
function warningsList (report) {
  const warnings = report.input.warnings
  if (warnings.length === 0) return h('p', { class: 'notice notice--success', text: 'No data-quality problems were found.' })
  return h('ul', { class: 'warnings' }, warnings.map(warning => {
    const where = [warning.row ? `row ${warning.row}` : null, warning.column ? `column “${warning.column}”` : null].filter(Boolean).join(', ')
    return h('li', { class: 'warnings__item' }, [
      h('span', { class: 'warnings__text', text: warning.message }),
      where ? h('span', { class: 'warnings__where', text: where }) : null
    ])
  }))
}

/**
 * @param {HTMLElement} container
 * @param {string} jobId
 * @param {ReportResult} report
 */
export function renderReport (container, jobId, report) {
  const anomalies = report.analytics.anomalies ?? []
  const correlations = report.analytics.correlations ?? []
  const chartGrid = h('div', { class: 'charts' })
  replaceChildren(container, [
    h('div', { class: 'card report-summary' }, [
      h('h2', { class: 'section-title', text: 'Report ready' }),
      h('p', { class: 'report-summary__facts', text: facts(report) }),
      downloads(jobId)
    ]),
    resultSection('kpi-heading', 'Key figures', [keyFigures(report)]),
    resultSection('charts-heading', 'Charts', [chartGrid], 'History, then the forecast (dashed) with its interval band. Anomalies are orange dots, change points purple triangles.'),
    resultSection('warnings-heading', 'Data quality', [warningsList(report)]),
    resultSection('accuracy-heading', 'Forecast accuracy', accuracyTables(report),
      'Each forecast was backtested on held-out periods and compared with a seasonal-naive baseline (its MASE in “Baseline”). Lower MASE is better; below 1 beats a naive forecast. Coverage is the share of held-out actuals inside the interval.'),
    anomalies.length ? resultSection('anomalies-heading', 'Anomalies', anomaliesTables(report), `${anomalies.length} period${anomalies.length === 1 ? '' : 's'} stood out from the model's fit or from their peers; the strongest first.`) : null,
    correlations.length ? resultSection('correlations-heading', 'Correlations', [correlationsTable(report)]) : null,
    report.methods?.length
      ? h('details', { class: 'card methods' }, [
        h('summary', { class: 'methods__summary', text: 'How these numbers were made' }),
        h('ul', { class: 'methods__list' }, report.methods.map(sentence => h('li', { text: sentence })))
      ])
      : null
  ])
  renderCharts(chartGrid, report)
}
