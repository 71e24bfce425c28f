/**
 * A dropped connection in a real browser: the server is restarted in the middle of a job. The
 * page shows that it is reconnecting, resumes the stream from its last event when the server is
 * back (on the same port and DATA_DIR), and ends with the finished report — with no event lost
 * (the bar only ever goes up, to 100) and no error on the page. After a crash instead, the page
 * says the job was interrupted and runs the same file again at one click.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchChromium, openPage, recordProgressValues, screenshot, VIEWPORTS } from './support/chromium.ts'
import { salesCsv } from './support/sales-csv.ts'
import { freePort, startServer, type ServerProcess } from './support/server-process.ts'

/** Large enough that the report takes a few seconds, so the restart lands mid-job. */
const BIG_SALES = Buffer.from(salesCsv({ firstYear: 2019, lastYear: 2024, regions: 12, departments: 6 }))

/** While the server is down, the browser logs its failed attempts to reach it; nothing else is allowed. */
const SERVER_DOWN = [/net::ERR_CONNECTION_REFUSED/, /net::ERR_EMPTY_RESPONSE/, /net::ERR_CONNECTION_RESET/]
/** A killed server also cuts the open stream mid-response, which the browser logs too. */
const SERVER_KILLED = [...SERVER_DOWN, /net::ERR_INCOMPLETE_CHUNKED_ENCODING/]

let browser: Browser
const dataDirs: string[] = []
const servers: ServerProcess[] = []

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  for (const server of servers) await server.stop('SIGKILL')
  for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true })
})

async function newDataDir () {
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-browser-restart-'))
  dataDirs.push(dataDir)
  return dataDir
}

/** Runs in the page: whether the progress bar has reached `minimum`. */
const progressAtLeast = (minimum: number) =>
  Number(document.getElementById('progress-bar')?.getAttribute('aria-valuenow')) >= minimum

it('shows "reconnecting" while the server restarts mid-job, then the finished report', { timeout: 150_000 }, async () => {
  const port = await freePort()
  const dataDir = await newDataDir()
  // A grace period long enough for the job to finish even on a busy machine.
  const first = await startServer({ port, dataDir, env: { SHUTDOWN_GRACE_SECONDS: '60' } })
  servers.push(first)
  const { page, problems } = await openPage(browser, VIEWPORTS.desktop, SERVER_DOWN)
  await page.goto(`${first.url}/`)
  await page.setInputFiles('#file-input', { name: 'sales-2019-2024.csv', mimeType: 'text/csv', buffer: BIG_SALES })
  const progressValues = await recordProgressValues(page)
  await page.click('#upload-button')

  // Mid-job: past reading the rows, well before the end.
  await page.waitForFunction(progressAtLeast, 15, { timeout: 30_000 })
  expect(Number(await page.locator('#progress-bar').getAttribute('aria-valuenow'))).toBeLessThan(90)
  await screenshot(page, 'restart-running-desktop')

  // A graceful stop ends the streams first, lets the running job finish, then exits.
  const stopped = first.stop('SIGTERM')
  const connection = page.locator('#connection-status')
  await connection.waitFor({ state: 'visible', timeout: 20_000 })
  await expect(connection.textContent()).resolves.toMatch(/reconnecting/i)
  await screenshot(page, 'restart-reconnecting-desktop')
  expect(await stopped).toBe(0)
  // The first server is gone and the page has not seen the end: only the second can tell it.
  await expect(page.locator('figure.chart').count()).resolves.toBe(0)

  const second = await startServer({ port, dataDir })
  servers.push(second)
  await page.locator('figure.chart canvas').first().waitFor({ timeout: 30_000 })
  await expect(connection.isHidden()).resolves.toBe(true)
  await expect(page.locator('#progress-bar').getAttribute('aria-valuenow')).resolves.toBe('100')
  for (const stage of await page.locator('#stage-list > li').all()) {
    await expect(stage.getAttribute('class')).resolves.toContain('stage--completed')
  }
  await expect(page.getByRole('link', { name: 'Download PDF report' }).isVisible()).resolves.toBe(true)

  const values = await progressValues()
  expect(values.at(-1)).toBe(100)
  expect(values).toEqual([...values].sort((a, b) => a - b))
  await screenshot(page, 'restart-report-desktop')

  expect(problems).toEqual([])
  await page.close()
})

it('says a job was interrupted by a crash, and runs the file again at one click', { timeout: 120_000 }, async () => {
  const port = await freePort()
  const dataDir = await newDataDir()
  const first = await startServer({ port, dataDir })
  servers.push(first)
  const { page, problems } = await openPage(browser, VIEWPORTS.desktop, SERVER_KILLED)
  await page.goto(`${first.url}/`)
  await page.setInputFiles('#file-input', { name: 'sales-2019-2024.csv', mimeType: 'text/csv', buffer: BIG_SALES })
  await page.click('#upload-button')
  await page.waitForFunction(progressAtLeast, 15, { timeout: 30_000 })

  await first.stop('SIGKILL')
  await page.locator('#connection-status').waitFor({ state: 'visible', timeout: 10_000 })
  const second = await startServer({ port, dataDir })
  servers.push(second)

  const outcome = page.locator('#outcome')
  await outcome.waitFor({ timeout: 30_000 })
  await expect(page.locator('.outcome__title').textContent()).resolves.toBe('Processing was interrupted')
  await expect(page.locator('.outcome__advice').textContent()).resolves.toMatch(/Run it again. sends the same file/)
  await expect(page.locator('#stage-list .stage--interrupted').count()).resolves.toBe(1)
  await screenshot(page, 'interrupted-desktop')

  await page.getByRole('button', { name: 'Run it again' }).click()
  await page.locator('figure.chart canvas').first().waitFor({ timeout: 30_000 })
  await expect(page.locator('#job-title').textContent()).resolves.toBe('sales-2019-2024.csv')

  expect(problems).toEqual([])
  await page.close()
})
