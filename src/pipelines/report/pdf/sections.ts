/**
 * The report's body sections after the summary: overall forecast charts, group breakdowns,
 * anomalies, data-quality warnings, and the methods note with every series' measured accuracy.
 */
import type { Forecast } from '../forecast.ts'
import type { ReportDocument } from '../result.ts'
import { barChartHeight, drawBarChart } from './bar-chart.ts'
import { clipLabel, formatNumber, formatRatio } from './format.ts'
import { drawForecastChart } from './line-chart.ts'
import type { Layout } from './report.ts'
import { drawTable, type Column } from './table.ts'
import { COLORS } from './theme.ts'

const CHART_HEIGHT = 200

function caption (forecast: Forecast): string {
  const accuracy = forecast.accuracy
  const measured = accuracy
    ? `Backtest on ${accuracy.holdout} held-out periods: MASE ${formatRatio(accuracy.mase)} (seasonal naive ${formatRatio(accuracy.baselineMase)}), sMAPE ${formatRatio(accuracy.smape, 1)}%` +
      (accuracy.coverage === null ? '.' : `, interval coverage ${Math.round(accuracy.coverage * 100)}% (stated ${Math.round(accuracy.level * 100)}%).`)
    : 'Not enough history to measure accuracy.'
  return [`Model: ${forecast.model}. ${measured}`, ...forecast.notes].join(' ')
}

export function drawOverall (layout: Layout, report: ReportDocument): void {
  const { doc, left, width } = layout
  layout.heading('Overall forecasts')
  for (const chart of report.charts) {
    if (chart.type !== 'forecast') continue
    layout.ensure(CHART_HEIGHT + 60)
    doc.font('bold').fontSize(10).fillColor(COLORS.ink).text(clipLabel(chart.measure, 120), left, doc.y)
    const top = doc.y + 2
    drawForecastChart(doc, chart, { x: left, y: top, width, height: CHART_HEIGHT })
    doc.y = top + CHART_HEIGHT + 4
    const forecast = report.forecasts.overall[chart.measure]
    if (forecast) doc.font('regular').fontSize(7.5).fillColor(COLORS.muted).text(caption(forecast), left, doc.y, { width })
    doc.moveDown(0.8)
  }
}

export function drawGroups (layout: Layout, report: ReportDocument): void {
  const { doc, left, width } = layout
  const sections = [
    [report.input.regionColumn, report.forecasts.byRegion],
    [report.input.departmentColumn, report.forecasts.byDepartment]
  ] as const
  for (const [column, forecasts] of sections) {
    if (!column || Object.keys(forecasts).length === 0) continue
    const chart = report.charts.find(item => item.type === 'bar' && item.dimension === column)
    layout.heading(`By ${column}`)
    if (chart?.type === 'bar') {
      const height = barChartHeight(chart)
      layout.ensure(height + 10)
      const top = doc.y
      drawBarChart(doc, chart, { x: left, y: top, width, height })
      doc.y = top + height + 10
    }
    const measure = report.input.measures[0] as string
    const columns: Column[] = [
      { header: column, width: 120 },
      { header: `${measure} total`, width: 80, align: 'right' },
      { header: `Forecast next ${report.input.horizon}`, width: 80, align: 'right' },
      { header: 'Model', width: 120 },
      { header: 'MASE', width: 40, align: 'right' },
      { header: 'Baseline', width: 59, align: 'right' }
    ]
    const rows = Object.entries(forecasts).map(([group, byMeasure]) => {
      const forecast = byMeasure[measure]
      const total = forecast?.history.reduce((sum, point) => sum + (point.value ?? 0), 0)
      const ahead = forecast?.forecast.reduce((sum, point) => sum + point.value, 0)
      return [group, formatNumber(total), formatNumber(ahead), forecast?.model ?? '—', formatRatio(forecast?.accuracy?.mase), formatRatio(forecast?.accuracy?.baselineMase)]
    })
    layout.ensure(40)
    drawTable(doc, columns, rows, layout.bottom, layout.newPage)
    doc.font('regular').fontSize(7.5).fillColor(COLORS.muted).text(`Totals cover the complete periods that were forecast. Every measure's forecast per ${column.toLowerCase()} is in the JSON result.`, left, doc.y, { width })
  }
}

export function drawAnomalies (layout: Layout, report: ReportDocument): void {
  const { doc, left, width } = layout
  const { anomalies, changePoints, correlations } = report.analytics
  layout.heading('Anomalies, change points and correlations')
  if (anomalies.length === 0) doc.font('regular').fontSize(9).fillColor(COLORS.ink).text('No period stood out from its forecast or its peers.', left, doc.y, { width })
  else {
    drawTable(doc, [
      { header: 'Measure', width: 80 }, { header: 'Series', width: 90 }, { header: 'Period', width: 62 },
      { header: 'Value', width: 70, align: 'right' }, { header: 'Expected', width: 70, align: 'right' },
      { header: 'Score', width: 40, align: 'right' }, { header: 'Found by', width: 87 }
    ], anomalies.slice(0, 25).map(item => [item.measure, item.series, item.period, formatNumber(item.value), formatNumber(item.expected), formatRatio(item.score, 1), item.method]), layout.bottom, layout.newPage)
  }
  doc.font('regular').fontSize(9).fillColor(COLORS.ink)
  const lines = [
    ...changePoints.map(point => `${clipLabel(point.measure)}: the level changed in ${point.period}, from about ${formatNumber(point.before)} to ${formatNumber(point.after)} per period.`),
    ...correlations.map(pair => `${clipLabel(pair.a)} and ${clipLabel(pair.b)} move ${Math.abs(pair.r) >= 0.7 ? 'closely' : Math.abs(pair.r) >= 0.4 ? 'somewhat' : 'barely'} together (r = ${pair.r.toFixed(2)} over ${pair.periods} periods).`)
  ]
  for (const line of lines) {
    layout.ensure(14)
    doc.text(`•  ${line}`, left, doc.y, { width })
  }
}

export function drawDataQuality (layout: Layout, report: ReportDocument): void {
  const { doc, left, width } = layout
  const { input } = report
  layout.heading('Data quality')
  const delimiter = ({ ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' } as Record<string, string>)[input.delimiter] ?? input.delimiter
  doc.font('regular').fontSize(9).fillColor(COLORS.ink).text(
    `Read ${input.rows.toLocaleString('en-US')} rows (${input.skippedRows.toLocaleString('en-US')} skipped) from a ${delimiter}-separated ${input.encoding === 'utf8' ? 'UTF-8' : input.encoding} file with decimal ${input.decimalSeparator === ',' ? 'commas' : 'points'}. ` +
    `Dates from "${clipLabel(input.dateColumn)}" (${input.dateFormat}); measures ${input.measures.map(name => `"${clipLabel(name)}"`).join(', ')}` +
    `${input.regionColumn ? `; regions from "${clipLabel(input.regionColumn)}"` : ''}${input.departmentColumn ? `; departments from "${clipLabel(input.departmentColumn)}"` : ''}.`, left, doc.y, { width })
  doc.moveDown(0.5)
  if (input.warnings.length === 0) {
    doc.text('No problems were found in the file.', left, doc.y, { width })
    return
  }
  drawTable(doc, [{ header: 'Row', width: 45, align: 'right' }, { header: 'Column', width: 80 }, { header: 'Finding', width: width - 125 }],
    input.warnings.map(warning => [warning.row === undefined ? '' : String(warning.row), warning.column ?? '', warning.message]), layout.bottom, layout.newPage)
}

export function drawAccuracy (layout: Layout, report: ReportDocument): void {
  const { doc, left, width } = layout
  layout.heading('Methods and measured accuracy')
  doc.font('regular').fontSize(8.5).fillColor(COLORS.ink)
  for (const paragraph of report.methods) {
    layout.ensure(30)
    doc.text(paragraph, left, doc.y, { width })
    doc.moveDown(0.4)
  }
  const rows: string[][] = []
  const add = (series: string, byMeasure: Record<string, Forecast>) => {
    for (const [measure, forecast] of Object.entries(byMeasure)) {
      const accuracy = forecast.accuracy
      rows.push([series, measure, forecast.model, accuracy ? String(accuracy.holdout) : '—', formatRatio(accuracy?.mase), formatRatio(accuracy?.baselineMase), accuracy?.smape === null || accuracy?.smape === undefined ? '—' : `${accuracy.smape.toFixed(1)}%`, accuracy?.coverage === null || accuracy?.coverage === undefined ? '—' : `${Math.round(accuracy.coverage * 100)}%`])
    }
  }
  add('Overall', report.forecasts.overall)
  for (const [group, byMeasure] of Object.entries(report.forecasts.byRegion)) add(group, byMeasure)
  for (const [group, byMeasure] of Object.entries(report.forecasts.byDepartment)) add(group, byMeasure)
  layout.ensure(60)
  drawTable(doc, [
    { header: 'Series', width: 90 }, { header: 'Measure', width: 70 }, { header: 'Model', width: 117 },
    { header: 'Held out', width: 40, align: 'right' }, { header: 'MASE', width: 36, align: 'right' },
    { header: 'Baseline', width: 44, align: 'right' }, { header: 'sMAPE', width: 38, align: 'right' }, { header: 'Coverage', width: 44, align: 'right' }
  ], rows, layout.bottom, layout.newPage)
}
