/**
 * The web page in a real browser against the real server: upload a CSV and watch it to the
 * report, reopen it from the recent jobs, see why a bad file is refused or a job fails, cancel
 * a job, send documents to intake, and use the form by keyboard. Any page error or console
 * error fails the test.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTextPdf } from '../fixtures/intake/make-documents.ts'
import { launchChromium, openPage, recordProgressValues, screenshot, VIEWPORTS } from './support/chromium.ts'
import { salesCsv } from './support/sales-csv.ts'
import { freePort, startServer, type ServerProcess } from './support/server-process.ts'

const SMALL_SALES = Buffer.from(salesCsv({ firstYear: 2021, lastYear: 2023, regions: 3, departments: 2 }))
const BIG_SALES = Buffer.from(salesCsv({ firstYear: 2019, lastYear: 2024, regions: 12, departments: 6 }))

let browser: Browser
let server: ServerProcess
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stagecast-browser-'))
  server = await startServer({ port: await freePort(), dataDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

/** Counts the page's EventSources, so a test can check each was closed at the end. */
async function trackEventSources (page: Page) {
  await page.addInitScript(() => {
    const Native = window.EventSource
    const opened: EventSource[] = []
    Object.assign(window, { eventSourcesOpened: opened })
    window.EventSource = class extends Native {
      constructor (url: string | URL, init?: EventSourceInit) {
        super(url, init)
        opened.push(this)
      }
    }
  })
  return () => page.evaluate(() => (window as unknown as { eventSourcesOpened: EventSource[] }).eventSourcesOpened.map(source => source.readyState))
}

// Real pipelines on a shared two-core machine: generous bounds, each still a bound.
describe('the web page', { timeout: 90_000 }, () => {
  it('uploads a CSV, shows each stage to 100 % and then the report with charts and downloads', async () => {
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop)
    const eventSourceStates = await trackEventSources(page)
    const requests: string[] = []
    page.on('request', request => requests.push(`${request.method()} ${new URL(request.url()).pathname}`))

    const response = await page.goto(`${server.url}/`)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await expect(page.locator('#pipeline-hint').textContent()).resolves.toMatch(/picks the pipeline/)
    await screenshot(page, 'home-desktop')

    await page.setInputFiles('#file-input', { name: 'sales.csv', mimeType: 'text/csv', buffer: SMALL_SALES })
    await expect(page.locator('#pipeline-hint').textContent()).resolves.toBe('Detected: Forecast report.')
    await page.click('#advanced summary')
    await page.fill('#horizon', '6')
    const progressValues = await recordProgressValues(page)
    await page.click('#upload-button')

    await page.locator('figure.chart canvas').first().waitFor({ timeout: 30_000 })
    const values = await progressValues()
    expect(values.at(-1)).toBe(100)
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(new Set(values.filter(value => value > 0 && value < 100)).size).toBeGreaterThanOrEqual(3)

    // The stream was opened before the upload was sent, and closed at the end.
    const firstStream = requests.findIndex(line => line.startsWith('GET /api/progress/'))
    const upload = requests.indexOf('POST /api/jobs')
    expect(firstStream).toBeGreaterThanOrEqual(0)
    expect(firstStream).toBeLessThan(upload)
    expect(await eventSourceStates()).toEqual([EVENT_SOURCE_CLOSED])

    const stages = page.locator('#stage-list > li')
    expect(await stages.count()).toBeGreaterThanOrEqual(3)
    for (const stage of await stages.all()) {
      await expect(stage.getAttribute('class')).resolves.toContain('stage--completed')
      await expect(stage.locator('.stage__state').textContent()).resolves.toMatch(/\d s$/)
    }
    await expect(page.locator('#progress-bar').getAttribute('aria-valuenow')).resolves.toBe('100')
    await expect(page.locator('.report-summary__facts').textContent()).resolves.toContain('forecast 6 periods ahead')

    const drawn = await page.evaluate(() => [...document.querySelectorAll('figure.chart canvas')]
      .map(canvas => window.Chart?.getChart(canvas as HTMLCanvasElement)?.data.datasets.reduce((sum, set) => sum + set.data.filter(value => value !== null).length, 0) ?? 0))
    expect(drawn.length).toBeGreaterThanOrEqual(3)
    expect(drawn.every(points => points > 0)).toBe(true)

    const pdfLink = page.getByRole('link', { name: 'Download PDF report' })
    await expect(pdfLink.isVisible()).resolves.toBe(true)
    const pdf = await page.request.get(new URL(await pdfLink.getAttribute('href') ?? '', server.url).href)
    expect(pdf.status()).toBe(200)
    expect(pdf.headers()['content-type']).toBe('application/pdf')
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-')
    const json = await page.request.get(new URL(await page.getByRole('link', { name: 'Download JSON' }).getAttribute('href') ?? '', server.url).href)
    expect(await json.json()).toMatchObject({ pipeline: 'report', input: { horizon: 6 } })
    await screenshot(page, 'report-desktop')

    // Reopen it from the recent jobs list.
    await page.click('#new-upload-link')
    await page.locator('#upload-panel').waitFor()
    const entry = page.locator('#recent-list a', { hasText: 'sales.csv' }).first()
    await expect(entry.textContent()).resolves.toContain('Completed')
    await entry.click()
    await page.locator('figure.chart canvas').first().waitFor()
    await expect(page.locator('#job-title').textContent()).resolves.toBe('sales.csv')
    const jobUrl = page.url()

    // The same report at 375 px: nothing wider than the screen.
    const phone = await openPage(browser, VIEWPORTS.phone)
    await phone.page.goto(jobUrl)
    await phone.page.locator('figure.chart canvas').first().waitFor()
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width)
    await screenshot(phone.page, 'report-phone')
    await phone.page.goto(`${server.url}/#/`)
    await screenshot(phone.page, 'home-phone')

    expect(problems).toEqual([])
    expect(phone.problems).toEqual([])
    await page.close()
    await phone.page.close()
  })

  it('says why a file was refused, and why a job failed, with what to do', async () => {
    // The browser itself logs the refused upload's status; that one line is expected.
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop, [/status of 415/])
    const eventSourceStates = await trackEventSources(page)
    await page.goto(`${server.url}/`)

    // Dropped onto the drop zone, a file no pipeline accepts.
    await page.evaluate(() => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array([0, 159, 146, 150, 0, 1, 2, 3])], 'notes.bin', { type: 'application/octet-stream' }))
      const zone = document.getElementById('dropzone')
      for (const type of ['dragenter', 'dragover', 'drop']) zone?.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }))
    })
    await expect(page.locator('#file-list').textContent()).resolves.toContain('notes.bin')
    await page.click('#upload-button')
    const refusal = page.locator('#upload-error')
    await refusal.waitFor()
    await expect(refusal.textContent()).resolves.toMatch(/No pipeline accepts this file.*Upload a CSV\/TSV/)
    await expect(page.locator('#upload-panel').isVisible()).resolves.toBe(true)
    await screenshot(page, 'refused-file-desktop')

    // A CSV without dates: accepted, then the validation stage fails and says what to change.
    await page.setInputFiles('#file-input', { name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from('name,amount\nAda,1\nGrace,2\nEdsger,3\n') })
    await page.click('#upload-button')
    const outcome = page.locator('#outcome')
    await outcome.waitFor()
    await expect(outcome.getAttribute('role')).resolves.toBe('alert')
    await expect(page.locator('.outcome__title').textContent()).resolves.toMatch(/^The job failed while/)
    await expect(page.locator('.outcome__message').textContent()).resolves.toMatch(/No column of dates was found/)
    await expect(page.locator('.outcome__advice').textContent()).resolves.toMatch(/upload it again/)
    await expect(page.locator('#stage-list .stage--failed').count()).resolves.toBe(1)
    await expect(page.getByRole('button', { name: 'Choose a corrected file' }).isVisible()).resolves.toBe(true)
    expect((await eventSourceStates()).every(state => state === EVENT_SOURCE_CLOSED)).toBe(true)
    await screenshot(page, 'failed-job-desktop')
    await page.setViewportSize(VIEWPORTS.phone)
    await screenshot(page, 'failed-job-phone')

    expect(problems).toEqual([])
    await page.close()
  })

  it('cancels a running job with the cancel button', async () => {
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop)
    const eventSourceStates = await trackEventSources(page)
    await page.goto(`${server.url}/`)
    await page.setInputFiles('#file-input', { name: 'big-sales.csv', mimeType: 'text/csv', buffer: BIG_SALES })
    await page.click('#upload-button')
    await page.waitForFunction(() => Number(document.getElementById('progress-bar')?.getAttribute('aria-valuenow')) >= 5, undefined, { timeout: 20_000 })
    await page.click('#cancel-button')

    await page.locator('#outcome').waitFor()
    await expect(page.locator('.outcome__title').textContent()).resolves.toBe('The job was cancelled')
    await expect(page.locator('#cancel-button').isHidden()).resolves.toBe(true)
    await expect(page.locator('#stage-list .stage--cancelled').count()).resolves.toBe(1)
    expect((await eventSourceStates()).every(state => state === EVENT_SOURCE_CLOSED)).toBe(true)
    await screenshot(page, 'cancelled-desktop')

    expect(problems).toEqual([])
    await page.close()
  })

  it('takes documents with form fields and shows each page, the fields found on it, and where they went', async () => {
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop)
    const invoice = Buffer.from(await makeTextPdf([
      ['ACME Ltd, invoice INV-2024-0042', 'Date: 15/03/2024', 'Contact: billing@acme.example', 'Total due: EUR 1,200.00'],
      ['Thank you for your business.']
    ]))
    await page.goto(`${server.url}/`)
    await page.setInputFiles('#file-input', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: invoice })
    await expect(page.locator('#pipeline-hint').textContent()).resolves.toBe('Detected: Document intake.')
    await page.click('#advanced summary')
    await page.click('#add-form-field')
    await page.getByLabel('Field name').fill('customer')
    await page.getByLabel('Value').fill('Ada Lovelace')
    await page.click('#upload-button')

    const documentCard = page.locator('article.document')
    await documentCard.waitFor({ timeout: 60_000 })
    await expect(documentCard.locator('h3').textContent()).resolves.toBe('invoice.pdf')
    await expect(documentCard.locator('.document__facts').textContent()).resolves.toContain('2 pages')
    await expect(documentCard.locator('.document__archive').textContent()).resolves.toMatch(/^Archived \(local\): .*invoice\.pdf$/)
    const emailRow = documentCard.locator('tr', { hasText: 'billing@acme.example' })
    await expect(emailRow.locator('td').last().textContent()).resolves.toBe('1')
    await expect(documentCard.locator('.document__total').textContent()).resolves.toMatch(/1,200\.00.*page 1/)
    await documentCard.locator('details.page summary').first().click()
    await expect(documentCard.locator('.page__text').first().textContent()).resolves.toContain('ACME Ltd, invoice INV-2024-0042')
    const exported = page.locator('section.result__section', { has: page.locator('#export-heading') })
    const customerRow = exported.locator('tr', { has: page.getByRole('rowheader', { name: 'customer', exact: true }) })
    await expect(customerRow.locator('td').textContent()).resolves.toBe('Ada Lovelace')
    await screenshot(page, 'intake-desktop')
    await page.setViewportSize(VIEWPORTS.phone)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width)
    await screenshot(page, 'intake-phone')

    expect(problems).toEqual([])
    await page.close()
  })

  it('can be used from the keyboard alone', async () => {
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop)
    await page.goto(`${server.url}/`)
    const reached: string[] = []
    for (let step = 0; step < 12; step++) {
      await page.keyboard.press('Tab')
      reached.push(await page.evaluate(() => {
        const element = document.activeElement
        return element?.id || element?.tagName.toLowerCase() || ''
      }))
    }
    const order = ['file-input', 'pipeline-select', 'summary', 'upload-button', 'recent-refresh']
    const positions = order.map(id => reached.indexOf(id))
    expect(positions.every(position => position >= 0)).toBe(true)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))

    // The advanced options open with the keyboard, and their fields follow.
    await page.focus('#advanced summary')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('date-column')

    // Submitting with no file says what to do and puts the focus on the file input.
    await page.focus('#upload-button')
    await page.keyboard.press('Enter')
    await expect(page.locator('#upload-error').textContent()).resolves.toMatch(/Choose a file first/)
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('file-input')
    await screenshot(page, 'keyboard-focus-desktop')

    expect(problems).toEqual([])
    await page.close()
  })
})

/** `EventSource.CLOSED`, which Node does not define. */
const EVENT_SOURCE_CLOSED = 2
