/**
 * The Google adapters, built by `createAdapters` from config exactly as in production, with the
 * real @googleapis/sheets, google-auth-library and @google-cloud/vision clients talking to a
 * local fake Google API server. Assertions are on what the fake received.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../config.ts'
import { startFakeGoogle, type FakeGoogle } from '../../../test/fakes/google/server.ts'
import { writeServiceAccountKey, type TestServiceAccount } from '../../../test/fakes/google/service-account.ts'
import { verifyJwt } from '../../../test/fakes/google/jwt.ts'
import { createAdapters, type Adapters } from '../index.ts'

process.env.METADATA_SERVER_DETECTION = 'none'
const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }
const never = new AbortController().signal

let dir: string
let account: TestServiceAccount
let google: FakeGoogle
let adapters: Adapters | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecast-google-'))
  account = await writeServiceAccountKey(dir)
})
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })
beforeEach(async () => {
  google = await startFakeGoogle({ serviceAccountEmail: account.email, publicKey: account.publicKey })
  google.sheets.set('sheet-123', new Map())
})
afterEach(async () => {
  await adapters?.close()
  adapters = undefined
  await google.close()
})

const googleAdapters = (env: Record<string, string> = {}) => createAdapters(loadConfig({
  DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  GOOGLE_APPLICATION_CREDENTIALS: account.keyFile,
  SHEET_ID: 'sheet-123',
  SHEET_RANGE: 'Submissions!A1',
  DRIVE_FOLDER_ID: 'folder-9',
  ...env
}), { googleRootUrl: google.url, googleRetry: FAST_RETRY })

describe('createAdapters', () => {
  it('chooses Google implementations when credentials are configured, local ones otherwise', async () => {
    adapters = await googleAdapters()
    expect(adapters.summary).toEqual({ ocr: 'vision', archive: 'drive', export: 'sheets' })
    await adapters.close()
    adapters = await googleAdapters({ OCR_ENGINE: 'tesseract', SHEET_ID: '', DRIVE_FOLDER_ID: '' })
    expect(adapters.summary).toEqual({ ocr: 'tesseract', archive: 'local', export: 'local' })
    await adapters.close()
    await adapters.close()
    adapters = await createAdapters(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }))
    expect(adapters.summary).toEqual({ ocr: 'tesseract', archive: 'local', export: 'local' })
    await expect(createAdapters(loadConfig({ DATA_DIR: dir, OCR_ENGINE: 'vision' }))).rejects.toThrow(/OCR_ENGINE=vision needs GOOGLE_APPLICATION_CREDENTIALS/)
  })
})

describe('Sheets export', () => {
  it('exchanges a signed JWT for a token once, writes the header on an empty sheet, then appends rows', async () => {
    adapters = await googleAdapters()
    const first = await adapters.exporter.appendRow([['Job id', 'job-1'], ['name', 'Ada'], ['Total', 'EUR 10.00']], { signal: never })
    const second = await adapters.exporter.appendRow([['Job id', 'job-2'], ['name', '=HYPERLINK("x")'], ['Total', '']], { signal: never })

    const grid = google.sheets.get('sheet-123')?.get('Submissions')
    expect(grid).toEqual([['Job id', 'name', 'Total'], ['job-1', 'Ada', 'EUR 10.00'], ['job-2', '=HYPERLINK("x")', '']])
    expect(first).toMatchObject({ provider: 'sheets', range: 'Submissions!A1:C2', row: ['job-1', 'Ada', 'EUR 10.00'] })
    expect(second.range).toBe('Submissions!A3:C3')

    const appends = google.requests.filter(r => r.method === 'POST' && r.path.endsWith(':append'))
    expect(appends.map(r => r.path)).toEqual(['/v4/spreadsheets/sheet-123/values/Submissions!A1:append', '/v4/spreadsheets/sheet-123/values/Submissions!A1:append'])
    expect(appends[0]?.query.get('valueInputOption')).toBe('RAW')
    expect(JSON.parse(appends[0]!.body.toString())).toEqual({ values: [['Job id', 'name', 'Total'], ['job-1', 'Ada', 'EUR 10.00']] })
    expect(google.requests.filter(r => r.method === 'GET').map(r => r.path)).toEqual(['/v4/spreadsheets/sheet-123/values/Submissions!1:1', '/v4/spreadsheets/sheet-123/values/Submissions!1:1'])

    const tokenRequest = google.requests.find(r => r.path === '/token')!
    const claims = verifyJwt(new URLSearchParams(tokenRequest.body.toString()).get('assertion')!, account.publicKey)
    expect(claims).toMatchObject({ iss: account.email, aud: 'https://oauth2.googleapis.com/token' })
    expect(claims?.scope).toContain('https://www.googleapis.com/auth/spreadsheets')
    expect(google.tokensIssued).toBe(1)
  })

  it('adds a new form field as a column at the end of the header', async () => {
    adapters = await googleAdapters()
    await adapters.exporter.appendRow([['Job id', 'job-1'], ['name', 'Ada']], { signal: never })
    const result = await adapters.exporter.appendRow([['Job id', 'job-2'], ['company', 'Acme'], ['name', 'Grace']], { signal: never })
    expect(result.header).toEqual(['Job id', 'name', 'company'])
    expect(google.sheets.get('sheet-123')?.get('Submissions')).toEqual([['Job id', 'name', 'company'], ['job-1', 'Ada'], ['job-2', 'Grace', 'Acme']])
    const update = google.requests.find(r => r.method === 'PUT')!
    expect(update.path).toBe('/v4/spreadsheets/sheet-123/values/Submissions!A1')
  })

  it('retries 429 and 503 with backoff, and fails at once on 403', async () => {
    adapters = await googleAdapters()
    google.fail({ method: 'POST', path: /:append$/, status: 429, retryAfterSeconds: 0 })
    google.fail({ method: 'POST', path: /:append$/, status: 503 })
    await adapters.exporter.appendRow([['Job id', 'job-1']], { signal: never })
    expect(google.requests.filter(r => r.path.endsWith(':append'))).toHaveLength(3)
    expect(google.sheets.get('sheet-123')?.get('Submissions')).toEqual([['Job id'], ['job-1']])

    google.fail({ method: 'GET', path: /values/, status: 403 })
    const before = google.requests.length
    await expect(adapters.exporter.appendRow([['Job id', 'job-2']], { signal: never })).rejects.toMatchObject({ status: 403 })
    expect(google.requests.length - before).toBe(1)
  })
})

describe('Drive archive', () => {
  const file = async (bytes: Buffer) => {
    const path = join(dir, 'scan.pdf')
    await writeFile(path, bytes)
    return { path, name: 'scan 2024.pdf', type: 'application/pdf', bytes: bytes.length, sha256: 'ab'.repeat(32), jobId: 'job-7' }
  }

  it('uploads with a resumable session into the folder, with metadata and the exact bytes', async () => {
    adapters = await googleAdapters()
    const content = Buffer.from('%PDF-1.7\n' + 'x'.repeat(5000))
    const stored = await adapters.archive.store(await file(content), { signal: never })
    expect(stored).toEqual({ provider: 'drive', id: 'file-1', location: 'https://drive.google.com/file/d/file-1/view?usp=drivesdk' })
    expect(google.drive.files[0]).toMatchObject({ name: 'scan 2024.pdf', mimeType: 'application/pdf', parents: ['folder-9'], appProperties: { stagecastJobId: 'job-7' } })
    expect(google.drive.files[0]?.content.equals(content)).toBe(true)
    const start = google.requests.find(r => r.method === 'POST' && r.path === '/upload/drive/v3/files')!
    expect(start.headers['x-upload-content-length']).toBe(String(content.length))
  })

  it('resumes from the last byte the server confirmed when the connection drops mid-upload', async () => {
    adapters = await googleAdapters()
    const content = Buffer.alloc(3 * 1024 * 1024, 7)
    content.write('%PDF-1.7')
    google.drive.dropUploadAfterBytes = 1024 * 1024
    await adapters.archive.store(await file(content), { signal: never })
    expect(google.drive.files[0]?.content.equals(content)).toBe(true)
    const puts = google.requests.filter(r => r.method === 'PUT')
    expect(puts.map(r => r.headers['content-range'])).toEqual([`bytes */${content.length}`, `bytes ${1024 * 1024}-${content.length - 1}/${content.length}`])
  })
})

describe('Vision OCR', () => {
  it('sends the page image and returns the text with its confidence, retrying a 503', async () => {
    adapters = await googleAdapters()
    google.vision.text = 'Invoice INV-1\nTotal due € 12,00'
    google.fail({ method: 'POST', path: /images:annotate/, status: 503 })
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    const path = join(dir, 'page.png')
    await writeFile(path, png)
    const result = await adapters.ocr.recognize({ path, width: 10, height: 10, dpi: 200 }, { signal: never })
    expect(result).toEqual({ text: 'Invoice INV-1\nTotal due € 12,00', confidence: 0.97 })
    expect(google.vision.images).toHaveLength(1)
    expect(google.vision.images[0]?.equals(png)).toBe(true)
    expect(JSON.stringify(google.vision.features)).toMatch(/DOCUMENT_TEXT_DETECTION|11/)
  })
})
