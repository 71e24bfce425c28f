/**
 * Debian's Chromium driven by playwright-core (no browser download): one browser per test file,
 * pages that collect every page error and console error so a test can fail on them, and
 * screenshots saved under test-artifacts/browser/ for people to look at.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'
export const ARTIFACT_DIR = join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'browser')

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 375, height: 812 }
} as const

export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (.ci/run does this when it is missing).`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
}

export interface WatchedPage {
  page: Page
  /** Page errors and console errors not matched by an allowed pattern. */
  problems: string[]
}

/**
 * A new page whose errors are collected. `allowedConsoleErrors` are the console errors a test
 * expects (e.g. the browser's own line for a 415 reply), matched exactly by pattern.
 */
export async function openPage (browser: Browser, viewport: { width: number, height: number }, allowedConsoleErrors: RegExp[] = []): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport })
  const problems: string[] = []
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('console', message => {
    if (message.type() !== 'error') return
    const text = message.text()
    if (!allowedConsoleErrors.some(pattern => pattern.test(text))) problems.push(`console error: ${text}`)
  })
  return { page, problems }
}

export async function screenshot (page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACT_DIR, { recursive: true })
  await page.screenshot({ path: join(ARTIFACT_DIR, `${name}.png`), fullPage: true })
}

/**
 * Records every value the page's progress bar takes, from now on. The observer is installed
 * through the DevTools protocol, so it is not subject to the page's CSP.
 */
export async function recordProgressValues (page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const bar = document.getElementById('progress-bar')
    if (!bar) throw new Error('no #progress-bar')
    const seen: number[] = []
    Object.assign(window, { progressValuesSeen: seen })
    new MutationObserver(() => seen.push(Number(bar.getAttribute('aria-valuenow'))))
      .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] })
  })
  return () => page.evaluate(() => (window as unknown as { progressValuesSeen: number[] }).progressValuesSeen)
}
