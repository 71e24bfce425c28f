/**
 * Stage `complete` (→100%): confirms the PDF the result points to is really there and is a PDF,
 * so a job never completes with a broken download link.
 */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { ReportState } from '../state.ts'
import { REPORT_PDF } from '../artifacts.ts'

export async function verifyArtifacts (ctx: StageContext<ReportState>): Promise<void> {
  const handle = await open(join(ctx.artifactDir, REPORT_PDF), 'r')
  try {
    const { size } = await handle.stat()
    const { buffer } = await handle.read(Buffer.alloc(5), 0, 5, 0)
    if (size < 1000 || buffer.toString('latin1') !== '%PDF-') throw new Error(`report.pdf is not a complete PDF (${size} bytes)`)
    ctx.progress(1, `report.pdf ready (${Math.round(size / 1024)} KiB)`, { pdfBytes: size })
  } finally {
    await handle.close()
  }
}
