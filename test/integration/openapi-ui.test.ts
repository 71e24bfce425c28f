/**
 * Swagger UI at /docs in a real browser (Debian's Chromium): it renders every operation under
 * the app-wide Content-Security-Policy from helmet with no violation or page error,
 * and loads nothing from another origin.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage, VIEWPORTS } from '../browser/support/chromium.ts'
import { buildTestApp, type TestApp } from '../support/build-app.ts'
import { instantPipeline } from '../support/test-pipelines.ts'

let browser: Browser
let server: TestApp
beforeAll(async () => {
  browser = await launchChromium()
  server = await buildTestApp({ API_KEYS: 'docs-ui-test-key-0123456789' }, { listen: true, pipelines: [instantPipeline()] })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('Swagger UI', () => {
  it('renders every operation under the strict CSP without a violation', async () => {
    const { page, problems } = await openPage(browser, VIEWPORTS.desktop)
    const violations: string[] = []
    await page.exposeFunction('reportViolation', (text: string) => { violations.push(text) })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', event => {
        (window as unknown as { reportViolation: (text: string) => void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`)
      })
    })
    const origins = new Set<string>()
    page.on('request', request => { origins.add(new URL(request.url()).origin) })

    const response = await page.goto(`${server.url}/docs`)
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 })
    expect(await page.locator('.opblock').count()).toBe(10)
    // Opening the upload operation renders its schemas, examples and the multipart form.
    await page.locator('.opblock-post').first().locator('.opblock-summary').click()
    await page.locator('.opblock-post .responses-wrapper').waitFor()
    await page.getByRole('button', { name: 'Authorize' }).waitFor()

    expect(violations).toEqual([])
    expect(problems).toEqual([])
    expect([...origins]).toEqual([server.url])
    await page.close()
  })
})
