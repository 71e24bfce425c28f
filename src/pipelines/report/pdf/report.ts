/**
 * Writes report.pdf with pdfkit: maintained, streams pages to disk as they are finished (flat
 * memory however long the report), lays out and wraps text itself, and subsets the embedded
 * TrueType font. (pdf-lib was the alternative: ~80 ms for such a report, but no release since
 * 2021, the whole document held in memory, no text layout, and @pdf-lib/fontkit needed for
 * non-Latin text.) Sections: summary KPIs, overall forecasts, group breakdowns, anomalies,
 * data quality, and a methods note with the measured accuracy.
 */
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import type { ReportDocument } from '../result.ts'
import { drawSummary } from './summary.ts'
import { drawAccuracy, drawAnomalies, drawDataQuality, drawGroups, drawOverall } from './sections.ts'
import { COLORS, FONT_BOLD, FONT_REGULAR, PAGE } from './theme.ts'

export interface Layout {
  doc: PDFKit.PDFDocument
  left: number
  width: number
  bottom: number
  /** Starts a new page unless `height` points still fit on this one. */
  ensure: (height: number) => void
  heading: (text: string) => void
  newPage: () => void
}

export async function writeReportPdf (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  const doc = new PDFDocument({ size: PAGE.size, margin: PAGE.margin, info: { Title: `Forecast report — ${report.input.fileName}`, Creator: 'stagecast' } })
  const out = createWriteStream(path)
  doc.pipe(out)
  doc.registerFont('regular', FONT_REGULAR)
  doc.registerFont('bold', FONT_BOLD)
  let pageNumber = 0
  const footer = () => {
    pageNumber++
    const bottomMargin = doc.page.margins.bottom
    doc.page.margins.bottom = 0 // drawing below the margin must not start another page
    doc.font('regular').fontSize(7).fillColor(COLORS.muted)
      .text(`${report.input.fileName} · forecast report · page ${pageNumber}`, PAGE.margin, doc.page.height - 30, { width: doc.page.width - 2 * PAGE.margin, align: 'right', lineBreak: false })
    doc.page.margins.bottom = bottomMargin
    doc.x = PAGE.margin
    doc.y = PAGE.margin
  }
  doc.on('pageAdded', footer)
  footer()
  const layout: Layout = {
    doc,
    left: PAGE.margin,
    width: doc.page.width - 2 * PAGE.margin,
    bottom: doc.page.height - PAGE.margin,
    ensure: height => { if (doc.y + height > layout.bottom) doc.addPage() },
    newPage: () => doc.addPage(),
    heading: text => {
      layout.ensure(60)
      doc.moveDown(0.6).font('bold').fontSize(13).fillColor(COLORS.history).text(text, layout.left, doc.y)
      doc.moveTo(layout.left, doc.y + 2).lineTo(layout.left + layout.width, doc.y + 2).lineWidth(0.8).strokeColor(COLORS.rule).stroke()
      doc.y += 8
    }
  }
  try {
    for (const section of [drawSummary, drawOverall, drawGroups, drawAnomalies, drawDataQuality, drawAccuracy]) {
      signal.throwIfAborted()
      section(layout, report)
    }
  } finally {
    doc.end()
    await finished(out)
  }
}
