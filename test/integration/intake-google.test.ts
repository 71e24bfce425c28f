/**
 * The intake pipeline over HTTP with Google configured: the real Sheets, Drive (resumable
 * upload through the auth client) and Vision clients talk to a local fake Google API server.
 * Checks what Google received, and that a Google failure in archive/export fails the job in
 * that stage while the extracted data stays retrievable.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server.ts'
import { writeServiceAccountKey, type TestServiceAccount } from '../fakes/google/service-account.ts'
import { makeScannedPdf, makeTextPdf } from '../fixtures/intake/make-documents.ts'
import { runIntake, startIntakeServer, type IntakeServer } from './intake-support.ts'

process.env.METADATA_SERVER_DETECTION = 'none'

let keyDir: string
let account: TestServiceAccount
let google: FakeGoogle
let server: IntakeServer | undefined

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'stagecast-intake-google-'))
  account = await writeServiceAccountKey(keyDir)
  files = await makeDocuments()
})
afterAll(async () => { await rm(keyDir, { recursive: true, force: true }) })
beforeEach(async () => {
  google = await startFakeGoogle({ serviceAccountEmail: account.email, publicKey: account.publicKey })
  google.sheets.set('sheet-1', new Map())
  google.vision.text = 'Delivery note 88\nReceived on 8-9-2022 by J. Smith'
  server = await startIntakeServer({
    GOOGLE_APPLICATION_CREDENTIALS: account.keyFile, SHEET_ID: 'sheet-1', SHEET_RANGE: 'Intake!A1', DRIVE_FOLDER_ID: 'folder-1'
  }, { overrides: { googleRootUrl: google.url, googleRetry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } } })
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await google.close()
})

type UploadFiles = Awaited<ReturnType<typeof makeDocuments>>
const makeDocuments = async () => [
  { name: 'invoice.pdf', bytes: await makeTextPdf([['Invoice no.: INV-77', 'Total due: € 99,95', 'Contact: ap@vendor.example']]), type: 'application/pdf' },
  { name: 'delivery.pdf', bytes: await makeScannedPdf([['Delivery note 88']], { dpi: 150 }), type: 'application/pdf' }
]
// Made once, before any server starts: drawing pages blocks the event loop, and the server
// (in this same process) would shed the upload as overloaded.
let files: UploadFiles
const documents = () => files

describe('intake over HTTP with Google', () => {
  it('reads scans with Vision, archives to Drive and appends the row to the Sheet', async () => {
    const files = documents()
    const { job, terminal, result } = await runIntake(server!, files, { name: 'Grace Hopper' })
    expect(terminal.type).toBe('complete')

    expect(google.vision.images).toHaveLength(1)
    const sent = await sharp(google.vision.images[0]).metadata()
    // A 150 DPI scan is sent at its own resolution (pictures are shrunk to the OCR resolution, never enlarged).
    expect(sent).toMatchObject({ format: 'png', width: 1240, height: 1754, channels: 1 })
    const scanned = result!.documents[1]!.pages[0]!
    expect(scanned).toMatchObject({ source: 'ocr', dpi: 150, confidence: 0.97, text: 'Delivery note 88\nReceived on 8-9-2022 by J. Smith' })
    expect(result!.documents[1]!.extracted.dates).toMatchObject([{ value: '2022-09-08', text: '8-9-2022', page: 1 }])

    expect(google.drive.files.map(file => [file.name, file.parents, file.appProperties.stagecastJobId])).toEqual([
      ['invoice.pdf', ['folder-1'], job.id], ['delivery.pdf', ['folder-1'], job.id]
    ])
    google.drive.files.forEach((file, index) => expect(file.content.equals(Buffer.from(files[index]!.bytes))).toBe(true))
    expect(result!.documents.map(d => d.archive)).toEqual([
      { provider: 'drive', location: 'https://drive.google.com/file/d/file-1/view?usp=drivesdk', id: 'file-1' },
      { provider: 'drive', location: 'https://drive.google.com/file/d/file-2/view?usp=drivesdk', id: 'file-2' }
    ])

    const rows = google.sheets.get('sheet-1')?.get('Intake')
    expect(rows).toHaveLength(2)
    const [header, row] = rows as [string[], string[]]
    const cell = (column: string) => row[header.indexOf(column)]
    expect(cell('Job id')).toBe(job.id)
    expect(cell('name')).toBe('Grace Hopper')
    expect(cell('Documents')).toBe('invoice.pdf; delivery.pdf')
    expect(cell('Total')).toBe('EUR 99.95')
    expect(cell('Invoice numbers')).toBe('INV-77')
    expect(cell('Archive')).toContain('file-1')
    expect(result!.export).toMatchObject({ provider: 'sheets', range: 'Intake!A1:M2', row })
    expect(google.tokensIssued).toBe(1)
  })

  it('fails in the archive stage when Drive refuses, keeping the extracted data retrievable', async () => {
    google.fail({ method: 'POST', path: /^\/upload\/drive/, status: 403 })
    const { terminal, result, resultResponse } = await runIntake(server!, documents())
    expect(terminal.type).toBe('failed')
    expect(terminal.data).toMatchObject({ stage: 'archive', code: 'archive_failed' })
    expect(terminal.data.message).toMatch(/Archiving "invoice\.pdf" \(drive\) failed: .*The extracted data has been kept with the job/)
    expect(resultResponse.headers.get('stagecast-result')).toBe('partial')
    expect(result!.documents[0]!.extracted.invoiceNumbers.map(i => i.value)).toEqual(['INV-77'])
    expect(result!.documents[1]!.pages[0]!.source).toBe('ocr')
    expect(result!.documents.map(d => d.archive)).toEqual([null, null])
    expect(result!.export).toBeNull()
  })

  it('fails in the export stage after retrying the Sheet, keeping the archive locations too', async () => {
    google.fail({ method: 'POST', path: /:append$/, status: 503, times: 3 })
    const { terminal, result } = await runIntake(server!, documents())
    expect(terminal.data).toMatchObject({ stage: 'export', code: 'export_failed' })
    expect(google.requests.filter(r => r.path.endsWith(':append'))).toHaveLength(3)
    expect(result!.documents.map(d => d.archive?.provider)).toEqual(['drive', 'drive'])
    expect(result!.documents[0]!.extracted.total).toMatchObject({ value: 99.95, currency: 'EUR' })
  })
})
