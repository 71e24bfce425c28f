/**
 * Stage 3: the text layer of every PDF page, one page at a time in the page-reader worker, and
 * the decision per page: keep the text, or read the page with OCR (no text layer, a few stray
 * characters, glyphs without a Unicode mapping). Image files have no text layer: all OCR.
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import { classifyPage } from '../pages/classify.ts'
import type { IntakeSettings, IntakeState } from '../state.ts'
import { openPageReader } from './page-reader-for.ts'

export function readTextLayer (settings: IntakeSettings) {
  return async (ctx: StageContext<IntakeState>): Promise<void> => {
    const { documents } = ctx.state
    const pages = documents.reduce((sum, document) => sum + document.pageCount, 0)
    const reader = openPageReader(settings, ctx.signal)
    let done = 0
    try {
      for (const document of documents) {
        if (document.kind === 'pdf') await reader.open(document.path, 'pdf')
        for (let number = 1; number <= document.pageCount; number++) {
          ctx.progress(done / pages, `Reading page ${number} of ${document.pageCount}`, { page: number, pages: document.pageCount, file: document.name })
          if (document.kind === 'image') {
            document.pages.push({ number, text: '', source: 'ocr', classification: 'no-text-layer', warnings: [] })
          } else {
            const { text, warnings } = await reader.text(number)
            const { source, reason } = classifyPage(text)
            document.pages.push({ number, text: source === 'text' ? text.trim() : '', source, classification: reason, warnings })
          }
          done++
        }
      }
    } finally {
      await reader.close()
    }
  }
}
