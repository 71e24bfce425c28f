/**
 * The intake pipeline through the HTTP API with the default (offline) adapters: a form with a
 * text PDF and a scanned page goes in, ten stages stream with per-page progress, and the
 * result document, the archived files and the CSV row come out.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTextPdf, renderTextImage } from '../fixtures/intake/make-documents.ts'
import { runIntake, startIntakeServer, type IntakeServer } from './intake-support.ts'

let server: IntakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const invoice = [
  'ACME Supplies B.V. - Invoice',
  'Invoice no.: INV-2024-0042',
  'Invoice date: 03/20/2023',
  'Contact: billing@acme.example  +31 20 123 4567',
  'IBAN NL91 ABNA 0417 1643 00',
  'Subtotal: EUR 1.020,30',
  'Total amount due: EUR 1.234,56'
]

describe('intake over HTTP (offline adapters)', () => {
  it('reads a text PDF and a scan, extracts fields, archives both files and appends a CSV row', async () => {
    // Documents first: drawing them blocks the event loop of the server in this same process.
    const text = await makeTextPdf([invoice, ['Page two', 'Delivery on 19 april 2014']])
    const scan = renderTextImage(['Receipt for order 7781', 'Paid on 28/11/2022', 'Questions: help@shop.example'], { dpi: 200 })
    server = await startIntakeServer()
    const { terminal, events, result } = await runIntake(server, [
      { name: 'invoice.pdf', bytes: text, type: 'application/pdf' },
      { name: 'receipt.png', bytes: scan, type: 'image/png' }
    ], { name: 'Ada Lovelace', reference: 'case 12' }, 120_000)
    expect(terminal.type).toBe('complete')

    const progress = events.filter(event => event.type === 'progress').map(event => event.data)
    expect([...new Set(progress.map(event => event.stage))]).toEqual(
      ['validation', 'fingerprint', 'text', 'rendering', 'ocr', 'extraction', 'checkpoint', 'archive', 'export', 'result'])
    expect(progress.some(event => event.stage === 'text' && (event.detail as { page?: number, pages?: number, file?: string } | undefined)?.file === 'invoice.pdf')).toBe(true)
    expect(progress.some(event => event.stage === 'ocr' && /Read page 1 of 1/.test(event.message as string) && (event.detail as { file?: string } | undefined)?.file === 'receipt.png')).toBe(true)
    const percents = progress.map(event => event.percent as number)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))

    expect(result).not.toBeNull()
    expect(result!.pipeline).toBe('intake')
    expect(result!.fields).toEqual({ name: 'Ada Lovelace', reference: 'case 12' })
    const [pdf, png] = result!.documents
    expect(pdf).toMatchObject({ name: 'invoice.pdf', type: 'application/pdf', bytes: text.length, pageCount: 2 })
    expect(pdf!.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(pdf!.pages.map(page => page.source)).toEqual(['text', 'text'])
    expect(pdf!.pages[0]!.text).toContain('INV-2024-0042')
    expect(pdf!.extracted.emails.map(e => e.value)).toEqual(['billing@acme.example'])
    expect(pdf!.extracted.phones.map(p => p.value)).toEqual(['+31201234567'])
    expect(pdf!.extracted.dates.map(d => [d.value, d.text, d.page])).toEqual([['2023-03-20', '03/20/2023', 1], ['2014-04-19', '19 april 2014', 2]])
    expect(pdf!.extracted.total).toMatchObject({ value: 1234.56, currency: 'EUR' })
    expect(pdf!.extracted.ibans.map(i => i.value)).toEqual(['NL91ABNA0417164300'])
    expect(pdf!.extracted.invoiceNumbers.map(i => i.value)).toEqual(['INV-2024-0042'])

    expect(png).toMatchObject({ name: 'receipt.png', type: 'image/png', pageCount: 1 })
    expect(png!.pages[0]!.source).toBe('ocr')
    expect(png!.pages[0]!.confidence).toBeGreaterThan(0.5)
    expect(png!.extracted.emails.map(e => e.value)).toEqual(['help@shop.example'])
    expect(png!.extracted.dates.map(d => d.value)).toEqual(['2022-11-28'])

    for (const document of result!.documents) {
      expect(document.archive?.provider).toBe('local')
      // Relative to DATA_DIR: no server path reaches a client.
      expect(document.archive?.location).toMatch(/^archive\/[0-9a-f-]{36}\/[0-9a-f]{12}-/)
    }
    expect((await readFile(join(server.dataDir, pdf!.archive!.location))).equals(Buffer.from(text))).toBe(true)

    expect(result!.export).toMatchObject({ provider: 'local' })
    expect(result!.export!.location).toBe('exports/submissions.csv')
    expect(JSON.stringify(result)).not.toContain(server.dataDir)
    const csv = Papa.parse<string[]>(await readFile(join(server.dataDir, result!.export!.location), 'utf8'), { skipEmptyLines: true }).data
    expect(csv[0]).toEqual(result!.export!.header)
    expect(csv[1]).toEqual(result!.export!.row)
    const cell = (column: string) => csv[1]![csv[0]!.indexOf(column)]
    expect(cell('name')).toBe('Ada Lovelace')
    expect(cell('Documents')).toBe('invoice.pdf; receipt.png')
    expect(cell('Total')).toBe('EUR 1234.56')
    expect(cell('Emails')).toBe('billing@acme.example; help@shop.example')
    expect(cell('Archive')).toContain('invoice.pdf')
  }, 150_000)
})
