/**
 * The first page's top: title, what was read, and a card per measure with its total, latest
 * period, growth and the forecast ahead; then margin and best/worst groups.
 */
import type { ReportDocument } from '../result.ts'
import { clipLabel, formatGrowth, formatNumber } from './format.ts'
import type { Layout } from './report.ts'
import { COLORS } from './theme.ts'

export function drawSummary ({ doc, left, width, ensure }: Layout, report: ReportDocument): void {
  const { input } = report
  doc.font('bold').fontSize(22).fillColor(COLORS.history).text('Forecast report', left, doc.y)
  doc.font('regular').fontSize(9.5).fillColor(COLORS.muted)
    .text(`${input.fileName} · ${input.rows.toLocaleString('en-US')} rows used${input.skippedRows > 0 ? `, ${input.skippedRows.toLocaleString('en-US')} skipped` : ''} · ${input.start} to ${input.end} · by ${input.period}, forecast ${input.horizon} ${input.period}${input.horizon === 1 ? '' : 's'} ahead`, { width })
  doc.moveDown(0.8)

  const measures = Object.entries(report.analytics.kpis.measures)
  const gap = 10
  const perRow = Math.min(3, Math.max(1, measures.length))
  const cardWidth = (width - gap * (perRow - 1)) / perRow
  const cardHeight = 78
  let rowTop = doc.y
  measures.forEach(([name, kpi], i) => {
    if (i % perRow === 0) {
      ensure(cardHeight + gap)
      rowTop = doc.y
    }
    const x = left + (i % perRow) * (cardWidth + gap)
    const y = rowTop
    doc.roundedRect(x, y, cardWidth, cardHeight, 4).fill(COLORS.panel)
    doc.rect(x, y, 3, cardHeight).fill(COLORS.accent)
    doc.font('bold').fontSize(8).fillColor(COLORS.muted).text(clipLabel(name).toUpperCase(), x + 12, y + 9, { width: cardWidth - 20, lineBreak: false, ellipsis: true })
    doc.font('bold').fontSize(17).fillColor(COLORS.ink).text(formatNumber(kpi.total), x + 12, y + 21, { width: cardWidth - 20, lineBreak: false })
    doc.font('regular').fontSize(7.5).fillColor(COLORS.ink)
    const last = kpi.lastPeriod ? `Latest ${kpi.lastPeriod.period}: ${formatNumber(kpi.lastPeriod.value)}` : 'Latest period: —'
    doc.text(last, x + 12, y + 45, { width: cardWidth - 20, lineBreak: false, ellipsis: true })
    doc.fillColor(COLORS.muted).text(`${formatGrowth(kpi.periodOverPeriod)} vs prior · ${formatGrowth(kpi.yearOverYear)} vs year ago`, x + 12, y + 55, { width: cardWidth - 20, lineBreak: false, ellipsis: true })
    const next = kpi.forecastNext ? `Forecast, next ${kpi.forecastNext.periods}: ${formatNumber(kpi.forecastNext.total)}` : 'No forecast'
    doc.fillColor(COLORS.forecast).text(next, x + 12, y + 65, { width: cardWidth - 20, lineBreak: false, ellipsis: true })
    doc.y = rowTop + cardHeight + gap
  })

  const lines: string[] = []
  const { margin, regions, departments } = report.analytics.kpis
  if (margin) lines.push(`Margin: ${formatGrowth(margin.value).replace('+', '')} (${margin.basis}, over the whole file).`)
  for (const [label, ranking] of [['Region', regions], ['Department', departments]] as const) {
    if (!ranking) continue
    lines.push(`${label}s by ${clipLabel(ranking.measure)}: highest ${clipLabel(ranking.best.name)} (${formatNumber(ranking.best.total)}), lowest ${clipLabel(ranking.worst.name)} (${formatNumber(ranking.worst.total)})` +
      (ranking.fastestGrowing && ranking.slowestGrowing ? `; fastest growth over the last year ${clipLabel(ranking.fastestGrowing.name)} (${formatGrowth(ranking.fastestGrowing.growth)}), slowest ${clipLabel(ranking.slowestGrowing.name)} (${formatGrowth(ranking.slowestGrowing.growth)}).` : '.'))
  }
  doc.font('regular').fontSize(9).fillColor(COLORS.ink)
  for (const line of lines) doc.text(`•  ${line}`, left, doc.y, { width })
}
