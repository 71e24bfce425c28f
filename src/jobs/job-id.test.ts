import { describe, expect, it } from 'vitest'
import { canonicalJobId, isCanonicalJobId } from './job-id.ts'

describe('canonicalJobId', () => {
  const id = '942dae67-1c2b-4d5e-8f90-a1b2c3d4e5f6'

  it('lowercases and strips urn:uuid: and braces, so every spelling is one job', () => {
    expect(canonicalJobId(id)).toBe(id)
    expect(canonicalJobId(id.toUpperCase())).toBe(id)
    expect(canonicalJobId(`urn:uuid:${id}`)).toBe(id)
    expect(canonicalJobId(`URN:UUID:${id.toUpperCase()}`)).toBe(id)
    expect(canonicalJobId(`{${id}}`)).toBe(id)
  })

  it('refuses anything that is not a UUID', () => {
    for (const bad of ['', 'abc', `${id}x`, `../${id}`, id.replace(/-/g, ''), 'urn:uuid:', `${id}\n`.repeat(2)]) {
      expect(canonicalJobId(bad)).toBeUndefined()
    }
  })

  it('tells canonical ids apart from other spellings', () => {
    expect(isCanonicalJobId(id)).toBe(true)
    expect(isCanonicalJobId(id.toUpperCase())).toBe(false)
    expect(isCanonicalJobId(`urn:uuid:${id}`)).toBe(false)
  })
})
