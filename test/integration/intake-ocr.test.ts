/**
 * OCR quality end to end: a page the test makes (text drawn with @napi-rs/canvas at 200 DPI,
 * wrapped in a PDF by pdf-lib, no text layer) goes through the HTTP API and the offline
 * tesseract.js engine; at least 90% of its words must come back.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { makeScannedPdf } from '../fixtures/intake/make-documents.ts'
import { runIntake, startIntakeServer, wordRecall, type IntakeServer } from './intake-support.ts'

let server: IntakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const PAGE = [
  'Dear customer, thank you for your order of 12 March 2024.',
  'We confirm the delivery of three boxes of printer paper and',
  'two toner cartridges to our warehouse in Rotterdam. Please',
  'transfer the amount due within thirty days to the account',
  'below and mention the invoice number as the payment reference.',
  'Invoice number: INV-2024-0317',
  'Amount due: EUR 486.20',
  'Questions about this invoice can be sent to finance@example.org',
  'or asked by phone during office hours, Monday to Friday.'
]

describe('intake OCR', () => {
  it('reads at least 90% of the words of a scanned page, and the fields on it', async () => {
    const scan = await makeScannedPdf([PAGE], { dpi: 200 })
    server = await startIntakeServer({ OCR_ENGINE: 'tesseract' })
    const { terminal, result } = await runIntake(server, [{ name: 'scan.pdf', bytes: scan, type: 'application/pdf' }], {}, 90_000)
    expect(terminal.type).toBe('complete')
    const page = result!.documents[0]!.pages[0]!
    expect(page.source).toBe('ocr')
    expect(page.dpi).toBe(200)
    expect(page.confidence).toBeGreaterThan(0.8)
    const recall = wordRecall(PAGE.join(' '), page.text)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    const extracted = result!.documents[0]!.extracted
    expect(extracted.invoiceNumbers.map(i => i.value)).toContain('INV-2024-0317')
    expect(extracted.total).toMatchObject({ value: 486.2, currency: 'EUR' })
    expect(extracted.emails.map(e => e.value)).toEqual(['finance@example.org'])
    expect(extracted.dates.map(d => d.value)).toEqual(['2024-03-12'])
  }, 120_000)
})
