import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { parseApiKeys, parseTrustProxy } from './access-settings.ts'

describe('access settings', () => {
  it('parses API_KEYS and refuses short or unprintable keys, naming the variable', () => {
    expect(parseApiKeys('')).toEqual([])
    expect(parseApiKeys(' key-one-0123456789 , key-two-0123456789,')).toEqual(['key-one-0123456789', 'key-two-0123456789'])
    expect(() => parseApiKeys('short')).toThrow(/API_KEYS.*16 characters/)
    expect(() => parseApiKeys('has a space in it 0123')).toThrow(/API_KEYS/)
  })

  it('parses TRUST_PROXY into what Fastify accepts', () => {
    expect(parseTrustProxy('false')).toBe(false)
    expect(parseTrustProxy('')).toBe(false)
    expect(parseTrustProxy('true')).toBe(true)
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback,10.0.0.0/8')
    const twoHops = parseTrustProxy('2')
    expect(typeof twoHops).toBe('function')
    if (typeof twoHops === 'function') expect([0, 1, 2].map(hop => twoHops('10.0.0.1', hop))).toEqual([true, true, false])
    expect(() => parseTrustProxy('my-proxy.example.com')).toThrow(/TRUST_PROXY/)
  })

  it('stops start-up with a message naming the variable', () => {
    expect(() => loadConfig({ TOKEN_SECRET: 'too-short' })).toThrow(/TOKEN_SECRET/)
    expect(() => loadConfig({ API_KEYS: 'short' })).toThrow(/API_KEYS/)
    expect(() => loadConfig({ IDLE_TIMEOUT_SECONDS: '10', HEARTBEAT_SECONDS: '15' })).toThrow(/IDLE_TIMEOUT_SECONDS/)
    expect(() => loadConfig({ RATE_LIMIT_UPLOADS_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_UPLOADS_PER_MINUTE/)
    expect(() => loadConfig({ PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '1.5' })).toThrow(/PRESSURE_MAX_EVENT_LOOP_UTILIZATION/)
    const config = loadConfig({ API_KEYS: 'key-one-0123456789', TOKEN_SECRET: 'x'.repeat(32) })
    expect(config.apiKeys).toEqual(['key-one-0123456789'])
    expect(config.trustProxy).toBe('loopback')
  })
})
