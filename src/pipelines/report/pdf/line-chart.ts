/**
 * Draws a forecast chart spec as vectors: history line, forecast line with its calibrated
 * interval band, anomalies circled, change points as dashed verticals, axes with round ticks.
 */
import type { ForecastChart } from '../charts.ts'
import { formatCompact, niceTicks } from './format.ts'
import { COLORS } from './theme.ts'

export interface Box { x: number, y: number, width: number, height: number }

export function drawForecastChart (doc: PDFKit.PDFDocument, chart: ForecastChart, box: Box): void {
  const history = chart.history
  const forecast = chart.forecast
  const count = history.length + forecast.length
  if (count < 2) return
  const values: number[] = []
  for (const point of history) if (point.value !== null) values.push(point.value)
  for (const point of forecast) values.push(point.lower, point.upper, point.value)
  const ticks = niceTicks(Math.min(...values), Math.max(...values))
  const low = ticks[0] as number
  const high = ticks[ticks.length - 1] as number
  const plot = { x: box.x + 46, y: box.y + 18, width: box.width - 54, height: box.height - 40 }
  const xOf = (i: number) => plot.x + (plot.width * i) / (count - 1)
  const yOf = (value: number) => plot.y + plot.height - ((value - low) / (high - low || 1)) * plot.height

  doc.font('regular').fontSize(7).fillColor(COLORS.muted)
  for (const tick of ticks) {
    doc.moveTo(plot.x, yOf(tick)).lineTo(plot.x + plot.width, yOf(tick)).lineWidth(0.5).strokeColor(COLORS.grid).stroke()
    doc.text(formatCompact(tick), box.x, yOf(tick) - 4, { width: 42, align: 'right', lineBreak: false })
  }
  const labels = [...history.map(point => point.period), ...forecast.map(point => point.period)]
  const every = Math.max(1, Math.ceil(count / 7))
  for (let i = 0; i < count; i += every) doc.text(labels[i] as string, xOf(i) - 25, plot.y + plot.height + 5, { width: 50, align: 'center', lineBreak: false })

  if (forecast.length > 0) {
    const last = history.length - 1
    const anchor = history[last]?.value ?? forecast[0]?.value ?? 0
    const upper = [[xOf(last), yOf(anchor)], ...forecast.map((point, h) => [xOf(last + 1 + h), yOf(point.upper)])]
    const lower = [...forecast.map((point, h) => [xOf(last + 1 + h), yOf(point.lower)])].reverse()
    doc.save().polygon(...(upper.concat(lower) as Array<[number, number]>)).fillOpacity(0.6).fill(COLORS.band).restore()
  }
  for (const period of chart.changePoints) {
    const i = labels.indexOf(period)
    if (i >= 0) doc.save().moveTo(xOf(i), plot.y).lineTo(xOf(i), plot.y + plot.height).dash(2, { space: 2 }).lineWidth(0.7).strokeColor(COLORS.change).stroke().undash().restore()
  }
  drawLine(doc, history.map((point, i) => (point.value === null ? null : [xOf(i), yOf(point.value)])), COLORS.history, false)
  if (forecast.length > 0) {
    const last = history.length - 1
    const start = history[last]?.value
    drawLine(doc, [start === null || start === undefined ? null : [xOf(last), yOf(start)], ...forecast.map((point, h): [number, number] => [xOf(last + 1 + h), yOf(point.value)])], COLORS.forecast, true)
  }
  for (const anomaly of chart.anomalies) {
    const i = labels.indexOf(anomaly.period)
    if (i >= 0) doc.circle(xOf(i), yOf(anomaly.value), 3.2).lineWidth(1.2).strokeColor(COLORS.anomaly).stroke()
  }
  doc.moveTo(plot.x, plot.y + plot.height).lineTo(plot.x + plot.width, plot.y + plot.height).lineWidth(0.8).strokeColor(COLORS.rule).stroke()
  drawLegend(doc, box, [
    ['History', COLORS.history, 'line'],
    ['Forecast', COLORS.forecast, 'line'],
    [`${Math.round(chart.level * 100)}% interval`, COLORS.band, 'box'],
    ...(chart.anomalies.length > 0 ? [['Anomaly', COLORS.anomaly, 'circle'] as const] : [])
  ])
}

function drawLine (doc: PDFKit.PDFDocument, points: Array<[number, number] | null>, color: string, dashed: boolean): void {
  doc.save().lineWidth(1.6).strokeColor(color).lineJoin('round')
  if (dashed) doc.dash(4, { space: 2.5 })
  let drawing = false
  for (const point of points) {
    if (!point) { drawing = false; continue }
    if (drawing) doc.lineTo(point[0], point[1])
    else doc.moveTo(point[0], point[1])
    drawing = true
  }
  doc.stroke().undash().restore()
}

export function drawLegend (doc: PDFKit.PDFDocument, box: Box, items: ReadonlyArray<readonly [string, string, 'line' | 'box' | 'circle']>): void {
  doc.font('regular').fontSize(7)
  let x = box.x + box.width
  for (const [label] of items) x -= doc.widthOfString(label) + 22
  for (const [label, color, kind] of items) {
    const y = box.y + 4
    if (kind === 'line') doc.moveTo(x, y + 3).lineTo(x + 12, y + 3).lineWidth(1.6).strokeColor(color).stroke()
    else if (kind === 'box') doc.rect(x, y, 12, 6).fill(color)
    else doc.circle(x + 6, y + 3, 3).lineWidth(1.2).strokeColor(color).stroke()
    doc.fillColor(COLORS.muted).text(label, x + 15, y - 1.5, { lineBreak: false })
    x += doc.widthOfString(label) + 22
  }
}
