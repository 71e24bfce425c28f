import { describe, expect, it } from 'vitest'
import { classifyPage } from './classify.ts'

describe('classifyPage', () => {
  it('keeps a real text layer', () => {
    expect(classifyPage('Invoice INV-2024-001\nTotal due: EUR 1.234,56\nThank you for your business.'))
      .toEqual({ source: 'text', reason: 'text-layer' })
  })

  it('sends a page without a text layer to OCR', () => {
    expect(classifyPage('')).toEqual({ source: 'ocr', reason: 'no-text-layer' })
    expect(classifyPage(' \n\t ')).toEqual({ source: 'ocr', reason: 'no-text-layer' })
  })

  it('treats a page number or a stamp on a scan as no text layer', () => {
    expect(classifyPage('Page 3 of 12')).toEqual({ source: 'ocr', reason: 'too-little-text' })
  })

  it('sends glyphs without a Unicode mapping to OCR', () => {
    const privateUse = '\uE001\uE002\uE003\uE004 \uE005\uE006\uE007\uE008\uE009 \uE00A\uE00B\uE00C\uE00D\uE00E\uE00F\uE010\uE011\uE012\uE013\uE014'
    expect(classifyPage(privateUse)).toEqual({ source: 'ocr', reason: 'unreadable-text-layer' })
    expect(classifyPage('\uFFFD'.repeat(40))).toEqual({ source: 'ocr', reason: 'unreadable-text-layer' })
  })

  it('accepts text in any script', () => {
    expect(classifyPage('Rechnung Nr. 2024-17, Gesamtbetrag fällig: 1.234,56 € — Überweisung bis 30.04.2024').source).toBe('text')
  })
})
