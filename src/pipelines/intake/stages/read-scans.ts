/**
 * Stage 5: the OCR adapter reads every rendered page, one at a time; each PNG is deleted once
 * read. An OCR engine failure fails the stage, naming the page.
 */
import { rm } from 'node:fs/promises'
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { IntakeSettings, IntakeState } from '../state.ts'
import { inPageWorkTurn } from './page-work.ts'
import { pagesForOcr } from './render-scans.ts'

export function readScans (settings: IntakeSettings) {
  return async (ctx: StageContext<IntakeState>): Promise<void> => {
    const work = pagesForOcr(ctx.state).filter(item => item.page.render)
    if (work.length === 0) return
    const { ocr } = settings.adapters
    await inPageWorkTurn(settings, ctx, async () => {
      for (const [position, { document, page }] of work.entries()) {
        const image = page.render!
        const detail = { page: page.number, pages: document.pageCount, file: document.name, ocrPage: position + 1, ocrPages: work.length }
        ctx.progress(position / work.length, `Reading page ${page.number} of ${document.pageCount} (OCR)`, detail)
        try {
          const result = await ocr.recognize(image, { signal: ctx.signal })
          page.text = result.text
          page.dpi = image.dpi
          if (result.confidence !== null) page.confidence = result.confidence
        } catch (error) {
          ctx.signal.throwIfAborted()
          const reason = error instanceof Error ? error.message : String(error)
          throw new JobFailure('ocr_failed', `OCR (${ocr.engine}) failed on page ${page.number} of "${document.name}": ${reason}`, { file: document.name, page: page.number })
        } finally {
          await rm(image.path, { force: true })
          delete page.render
        }
        ctx.progress((position + 1) / work.length, `Read page ${page.number} of ${document.pageCount} (OCR)`, detail)
      }
      await ocr.release()
    })
  }
}
