/**
 * A plain report table: shaded header, light zebra rows, numbers right-aligned, header repeated
 * when the table runs onto a new page.
 */
import { clipLabel } from './format.ts'
import { COLORS } from './theme.ts'

export interface Column { header: string, width: number, align?: 'left' | 'right' }

const ROW_HEIGHT = 15
const FONT_SIZE = 7.5

export function drawTable (doc: PDFKit.PDFDocument, columns: readonly Column[], rows: readonly string[][], bottom: number, onNewPage: () => void): void {
  const x = doc.page.margins.left
  const totalWidth = columns.reduce((sum, column) => sum + column.width, 0)
  // Cell text moves doc.y; rows advance from their own top instead.
  const header = () => {
    const top = doc.y
    doc.rect(x, top, totalWidth, ROW_HEIGHT + 2).fill(COLORS.panel)
    drawCells(doc, columns, columns.map(column => column.header), x, top, true)
    doc.y = top + ROW_HEIGHT + 2
  }
  header()
  rows.forEach((row, r) => {
    if (doc.y + ROW_HEIGHT > bottom) {
      onNewPage()
      header()
    }
    const top = doc.y
    if (r % 2 === 1) doc.rect(x, top, totalWidth, ROW_HEIGHT).fill('#f7f8fa')
    drawCells(doc, columns, row, x, top, false)
    doc.y = top + ROW_HEIGHT
  })
  doc.moveTo(x, doc.y).lineTo(x + totalWidth, doc.y).lineWidth(0.6).strokeColor(COLORS.rule).stroke()
  doc.y += 10
}

function drawCells (doc: PDFKit.PDFDocument, columns: readonly Column[], cells: readonly string[], x: number, y: number, bold: boolean): void {
  let left = x
  columns.forEach((column, c) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(FONT_SIZE).fillColor(COLORS.ink)
      .text(clipLabel(cells[c] ?? '', 300), left + 4, y + 3.5, { width: column.width - 8, align: column.align ?? 'left', lineBreak: false, ellipsis: true, height: ROW_HEIGHT })
    left += column.width
  })
}
