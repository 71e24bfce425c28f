/**
 * Stage `finalizing` (→95%): assembles the result document, writes `report.pdf` into the job's
 * artifact folder and records the result. The PDF is written on a worker thread
 * (pdf/write-in-thread.ts), so pdfkit and its font tables never load into the server itself.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { writeReportPdfInThread } from '../pdf/write-in-thread.ts'
import { buildDocument } from '../result.ts'
import type { ReportState } from '../state.ts'
import { REPORT_PDF } from '../artifacts.ts'

export async function finalize (ctx: StageContext<ReportState>): Promise<void> {
  const document = buildDocument(ctx.state)
  ctx.progress(0.2, 'Writing report.pdf')
  await mkdir(ctx.artifactDir, { recursive: true })
  await writeReportPdfInThread(document, join(ctx.artifactDir, REPORT_PDF), ctx.signal)
  ctx.setResult(document)
  ctx.progress(1, 'Report ready')
}
