/**
 * Decides whether a PDF page's text layer is real text or the page must be read by OCR.
 * A scan has no text layer, or a few stray characters (a stamp, a page number); a PDF made with
 * fonts that lack a Unicode mapping yields private-use or replacement characters that look like
 * text but are not. Both go to OCR.
 */

export type PageSource = 'text' | 'ocr'

export interface PageClassification {
  source: PageSource
  reason: 'text-layer' | 'no-text-layer' | 'too-little-text' | 'unreadable-text-layer'
}

/** Fewer visible characters than this is a stamp or a page number, not a text layer. */
const MIN_VISIBLE_CHARACTERS = 20
/** Share of visible characters that must be letters, digits, punctuation or symbols. */
const MIN_READABLE_SHARE = 0.85

export function classifyPage (text: string): PageClassification {
  const visible = Array.from(text.replace(/\s+/gu, ''))
  if (visible.length === 0) return { source: 'ocr', reason: 'no-text-layer' }
  if (visible.length < MIN_VISIBLE_CHARACTERS) return { source: 'ocr', reason: 'too-little-text' }
  const readable = visible.filter(char => /[\p{L}\p{N}\p{P}\p{S}]/u.test(char) && !/[\p{Co}\uFFFD]/u.test(char)).length
  if (readable / visible.length < MIN_READABLE_SHARE) return { source: 'ocr', reason: 'unreadable-text-layer' }
  return { source: 'text', reason: 'text-layer' }
}
