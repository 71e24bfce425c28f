/**
 * Stage 4: pages without a usable text layer are rendered for OCR in the page-reader worker,
 * as 8-bit grey PNGs in the job's scratch folder, at a resolution chosen from the pixel budget.
 * Rendering all of them before OCR starts means the page reader and the OCR engine are never
 * in memory at the same time (measured: that overlap alone took a 300-page scan past 400 MB).
 * A page that cannot be rendered is skipped with a warning.
 */
import { join } from 'node:path'
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { IntakeDocument, IntakePage, IntakeSettings, IntakeState } from '../state.ts'
import { inPageWorkTurn } from './page-work.ts'
import { openPageReader } from './page-reader-for.ts'

export interface ScanWork { document: IntakeDocument, page: IntakePage, index: number }

export const pagesForOcr = (state: IntakeState): ScanWork[] =>
  state.documents.flatMap((document, index) => document.pages.filter(page => page.source === 'ocr' && !page.skipped).map(page => ({ document, page, index })))

export function renderScans (settings: IntakeSettings) {
  return async (ctx: StageContext<IntakeState>): Promise<void> => {
    const work = pagesForOcr(ctx.state)
    if (work.length === 0) return
    await inPageWorkTurn(settings, ctx, async () => {
      const reader = openPageReader(settings, ctx.signal)
      let openPath: string | null = null
      try {
        for (const [position, { document, page, index }] of work.entries()) {
          ctx.progress(position / work.length, `Rendering page ${page.number} of ${document.pageCount} for OCR`, { page: page.number, pages: document.pageCount, file: document.name })
          if (openPath !== document.path) {
            await reader.open(document.path, document.kind)
            openPath = document.path
          }
          const outPath = join(ctx.scratchDir, `ocr-${index}-${page.number}.png`)
          try {
            const rendered = await reader.render(page.number, { targetDpi: settings.ocrDpi, maxPixels: settings.maxPagePixels, outPath })
            page.warnings.push(...rendered.warnings)
            if (rendered.rendered) page.render = { path: rendered.path, width: rendered.width, height: rendered.height, dpi: rendered.dpi }
            else page.skipped = true
          } catch (error) {
            ctx.signal.throwIfAborted()
            page.skipped = true
            page.warnings.push(`Page ${page.number} could not be rendered for OCR and was skipped (${error instanceof Error ? error.message : String(error)}).`)
          }
        }
      } finally {
        await reader.close()
      }
    })
  }
}
