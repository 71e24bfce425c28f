/**
 * Draws a group breakdown spec as horizontal grouped bars (total so far, forecast ahead), one row
 * per group, each value printed at the end of its bar.
 */
import type { BarChart } from '../charts.ts'
import { clipLabel, formatCompact } from './format.ts'
import { drawLegend, type Box } from './line-chart.ts'
import { COLORS } from './theme.ts'

export const BAR_ROW_HEIGHT = 24

export function barChartHeight (chart: BarChart): number {
  return 22 + chart.categories.length * BAR_ROW_HEIGHT
}

export function drawBarChart (doc: PDFKit.PDFDocument, chart: BarChart, box: Box): void {
  const colors = [COLORS.history, COLORS.forecast]
  const max = Math.max(1, ...chart.series.flatMap(series => series.values.map(Math.abs)))
  const labelWidth = 120
  const plotX = box.x + labelWidth + 6
  const plotWidth = box.width - labelWidth - 50
  drawLegend(doc, box, chart.series.map((series, s) => [series.name, colors[s] ?? COLORS.accent, 'box'] as const))
  chart.categories.forEach((category, c) => {
    const rowY = box.y + 20 + c * BAR_ROW_HEIGHT
    doc.font('regular').fontSize(8).fillColor(COLORS.ink)
      .text(clipLabel(category, 60), box.x, rowY + 5, { width: labelWidth, align: 'right', lineBreak: false, ellipsis: true })
    chart.series.forEach((series, s) => {
      const value = series.values[c] ?? 0
      const width = (Math.abs(value) / max) * plotWidth
      const y = rowY + 2 + s * 9
      doc.rect(plotX, y, Math.max(width, 0.5), 8).fill(colors[s] ?? COLORS.accent)
      doc.font('regular').fontSize(6.5).fillColor(COLORS.muted).text(formatCompact(value), plotX + width + 3, y + 0.5, { lineBreak: false })
    })
  })
  doc.moveTo(plotX, box.y + 18).lineTo(plotX, box.y + 20 + chart.categories.length * BAR_ROW_HEIGHT).lineWidth(0.8).strokeColor(COLORS.rule).stroke()
}
