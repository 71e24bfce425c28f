import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigSchema, loadConfig } from './config.ts'

describe('loadConfig', () => {
  it('runs on embedded defaults with no settings at all', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, REDIS_URL: '', JOB_TTL_SECONDS: 3600, TOMBSTONE_TTL_SECONDS: 86400, STALL_TIMEOUT_SECONDS: 120, HEARTBEAT_SECONDS: 15, WAIT_TIMEOUT_SECONDS: 30, MAX_STREAM_SECONDS: 3600 })
    expect(config.JOB_CONCURRENCY).toBeGreaterThan(0)
    expect(config.dataDir).toMatch(/^\//)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('coerces numbers and lists from strings', () => {
    const config = loadConfig({ PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example' })
    expect(config.PORT).toBe(8080)
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example'])
  })

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['JOB_TTL_SECONDS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_URL', 'localhost:6379'],
    ['OCR_ENGINE', 'magic'],
    ['MAX_UPLOAD_BYTES', '-1']
  ])('stops on a bad %s (%s) with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name))
  })
})

describe('.env.example', () => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')

  it('documents every setting the schema knows', () => {
    const documented = new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map(match => match[1]))
    const missing = Object.keys(ConfigSchema.properties).filter(name => !documented.has(name))
    expect(missing).toEqual([])
  })

  it('is itself a valid configuration', () => {
    const values = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(match => [match[1], match[2]]))
    expect(() => loadConfig(values)).not.toThrow()
  })
})
