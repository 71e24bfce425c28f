import { describe, expect, it } from 'vitest'
import { bearerToken, createApiKeyMatcher } from './api-keys.ts'

describe('API key matching', () => {
  const matches = createApiKeyMatcher(['first-key-0123456789', 'second-key-abcdefghij'])

  it('accepts every configured key and nothing else', () => {
    expect(matches('first-key-0123456789')).toBe(true)
    expect(matches('second-key-abcdefghij')).toBe(true)
    expect(matches('first-key-012345678')).toBe(false)
    expect(matches('first-key-0123456789x')).toBe(false)
    expect(matches('FIRST-KEY-0123456789')).toBe(false)
    expect(matches('')).toBe(false)
  })

  it('accepts nothing when no key is configured', () => {
    expect(createApiKeyMatcher([])('anything-at-all-here')).toBe(false)
  })

  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc.DEF-123_~+/=')).toBe('abc.DEF-123_~+/=')
    expect(bearerToken('bearer  abc')).toBe('abc')
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined()
    expect(bearerToken('Bearer')).toBeUndefined()
    expect(bearerToken('Bearer a b')).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})
