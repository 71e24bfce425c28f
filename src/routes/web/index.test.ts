import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import webRoutes, { PAGE_CSP } from './index.ts'

const app = Fastify()
beforeAll(async () => {
  await app.register(webRoutes)
  await app.ready()
})
afterAll(() => app.close())

describe('the web routes', () => {
  it('serve the page at / under a strict Content-Security-Policy', async () => {
    const response = await app.inject('/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['content-security-policy']).toBe(PAGE_CSP)
    expect(PAGE_CSP).toMatch(/script-src 'self';/)
    expect(PAGE_CSP).toMatch(/style-src 'self';/)
    expect(response.body).toContain('<script src="/assets/js/main.js" type="module"></script>')
  })

  it('serve the page\'s own assets, with validators for revalidation', async () => {
    for (const [path, type] of [['/assets/js/main.js', 'application/javascript'], ['/assets/styles.css', 'text/css'], ['/assets/favicon.svg', 'image/svg+xml']]) {
      const response = await app.inject(path as string)
      expect(response.statusCode, path).toBe(200)
      expect(response.headers['content-type'], path).toContain(type)
      expect(response.headers.etag, path).toBeTruthy()
    }
  })

  it('serve Chart.js from its npm package, and nothing else from node_modules', async () => {
    const chart = await app.inject('/assets/vendor/chart.umd.min.js')
    expect(chart.statusCode).toBe(200)
    expect(chart.headers['content-type']).toContain('javascript')
    expect(chart.body).toMatch(/^\/\*!\s*\n \* Chart\.js v4\./)
    for (const path of ['/assets/vendor/chart.js', '/assets/vendor/..%2Fpackage.json', '/assets/../package.json', '/assets/%2e%2e/index.html']) {
      expect((await app.inject(path)).statusCode, path).toBe(404)
    }
  })

  it('do not list the page\'s folders', async () => {
    for (const path of ['/assets/', '/assets/js/']) {
      const response = await app.inject(path)
      expect([403, 404], path).toContain(response.statusCode)
      expect(response.body, path).not.toContain('main.js')
    }
  })
})
