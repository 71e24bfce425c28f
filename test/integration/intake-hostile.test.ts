/**
 * Hostile and broken input through the HTTP API: each fails in `validation` with a message
 * naming the file and what to do, or is read with a warning — never a crash or an OOM.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeEncryptedPdf, makeHugeImagePdf, makeHugePng, makeTextPdf, makeTruncatedPdf, makeZeroPagePdf } from '../fixtures/intake/make-documents.ts'
import { popplerAvailable } from '../../src/pipelines/intake/pages/poppler.ts'
import { runIntake, startIntakeServer, uploadIntake, type IntakeServer } from './intake-support.ts'

let server: IntakeServer
let dir: string
let bombPng: Buffer
let bigPng: Buffer
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecast-hostile-'))
  // Made before the server starts: compressing 150 MB of pixels blocks the event loop for a
  // second, and the server (in this same process) would shed uploads as overloaded.
  bombPng = makeHugePng(35_000, 35_000)
  bigPng = makeHugePng(10_000, 10_000)
  // A small page budget keeps OCR of the downscaled giant images quick.
  server = await startIntakeServer({ MAX_PAGES: '3', MAX_PAGE_PIXELS: '2000000' })
})
afterAll(async () => {
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

const pdf = (name: string, bytes: Uint8Array) => ({ name, bytes, type: 'application/pdf' })

async function expectValidationFailure (files: Array<{ name: string, bytes: Uint8Array, type?: string }>, code: string, message: RegExp) {
  const { terminal } = await runIntake(server, files, {}, 30_000)
  expect(terminal.type).toBe('failed')
  expect(terminal.data).toMatchObject({ stage: 'validation', code })
  expect(terminal.data.message).toMatch(message)
}

describe('intake with hostile input', () => {
  it('fails an encrypted PDF, saying to remove the password', async () => {
    const path = join(dir, 'locked.pdf')
    await makeEncryptedPdf(path)
    await expectValidationFailure([pdf('locked.pdf', await readFile(path))], 'encrypted_pdf', /"locked\.pdf" is protected with a password\. Remove the password and upload again/)
  })

  it('fails a damaged PDF, naming the file', async () => {
    await expectValidationFailure([pdf('cut-off.pdf', await makeTruncatedPdf())], 'invalid_pdf', /"cut-off\.pdf" could not be read as a PDF/)
    const garbage = new TextEncoder().encode('%PDF-1.7\n' + 'not really a pdf '.repeat(200))
    await expectValidationFailure([pdf('garbage.pdf', garbage)], 'invalid_pdf', /"garbage\.pdf" could not be read as a PDF/)
  })

  it('fails a PDF without pages', async () => {
    await expectValidationFailure([pdf('empty.pdf', await makeZeroPagePdf())], 'empty_document', /"empty\.pdf" has no pages/)
  })

  it('fails a submission over MAX_PAGES, naming the file that crossed it', async () => {
    const two = await makeTextPdf([['one'], ['two']])
    await expectValidationFailure([pdf('a.pdf', two), pdf('b.pdf', two)], 'too_many_pages', /"b\.pdf" brings the submission to 4 pages; the limit is 3/)
  })

  it('refuses a file of the wrong type at upload, naming it', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(100).fill(0)])
    const response = await uploadIntake(server, [{ name: 'archive.pdf', bytes: zip, type: 'application/pdf' }])
    expect(response.status).toBe(415)
    expect((await response.json() as { message: string }).message).toMatch(/archive\.pdf/)
  })

  it('never decodes a 35000×35000 image embedded in a scanned PDF page whole: poppler shrinks it while reading, else it is left out', async () => {
    // Almost no text layer, so the page is rendered for OCR: pdfjs never decodes the image (4.9 GB as RGBA).
    const { terminal, result } = await runIntake(server, [pdf('poster.pdf', await makeHugeImagePdf(35_000, 35_000, 'Scan 7'))], {}, 60_000)
    expect(terminal.type).toBe('complete')
    const page = result!.documents[0]!.pages[0]!
    expect(page.source).toBe('ocr')
    expect(page.warnings?.join(' ')).toMatch(await popplerAvailable()
      ? /too large to decode whole within this server's memory budget; it was rendered with poppler/
      : /larger than this server's memory budget allows to decode, and was left out/)
    expect(result!.warnings).toContainEqual(expect.objectContaining({ file: 'poster.pdf', page: 1 }))
  }, 60_000)

  it('renders an enormous page within the pixel budget, warning that small text may be missed', async () => {
    const poster = await PDFDocument.create()
    poster.addPage([14_400, 14_400])
    const { terminal, result } = await runIntake(server, [pdf('billboard.pdf', await poster.save())], {}, 60_000)
    expect(terminal.type).toBe('complete')
    const page = result!.documents[0]!.pages[0]!
    expect(page).toMatchObject({ source: 'ocr', dpi: 7 })
    expect(page.warnings?.join(' ')).toMatch(/could only be read at 7 DPI \(a 14400×14400 point page within the pixel budget/)
  }, 60_000)

  it('skips a 35000×35000 PNG beyond the decode limit, and downscales a 10000×10000 one to the budget', async () => {
    const { terminal, result } = await runIntake(server, [
      { name: 'bomb.png', bytes: bombPng, type: 'image/png' },
      { name: 'big.png', bytes: bigPng, type: 'image/png' }
    ], {}, 90_000)
    expect(terminal.type).toBe('complete')
    const [bomb, big] = result!.documents
    expect(bomb!.pages[0]).toMatchObject({ source: 'ocr', skipped: true })
    expect(bomb!.pages[0]!.warnings?.join(' ')).toMatch(/35000×35000 pixel image, beyond the 128000000 pixel limit, and was skipped/)
    expect(big!.pages[0]!.skipped).toBeUndefined()
    expect(big!.pages[0]!.warnings?.join(' ')).toMatch(/\(10000×10000 pixels\) was downscaled to 1414×1414/)
  }, 120_000)
})
