/**
 * Stage `finalizing` (→95%): assembles the result document, writes `report.pdf` into the job's
 * artifact folder and records the result. pdfkit and its font tables are imported here, on the
 * first report, not at start-up, so an idle server does not carry them (tens of MB resident).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { buildDocument } from '../result.ts'
import type { ReportState } from '../state.ts'
import { REPORT_PDF } from '../artifacts.ts'

/** The PDF writer, imported on first use (imports are cached, so later calls cost nothing). */
export const loadPdfWriter = () => import('../pdf/report.ts')

export async function finalize (ctx: StageContext<ReportState>): Promise<void> {
  const document = buildDocument(ctx.state)
  ctx.progress(0.2, 'Writing report.pdf')
  await mkdir(ctx.artifactDir, { recursive: true })
  const { writeReportPdf } = await loadPdfWriter()
  await writeReportPdf(document, join(ctx.artifactDir, REPORT_PDF), ctx.signal)
  ctx.setResult(document)
  ctx.progress(1, 'Report ready')
}
