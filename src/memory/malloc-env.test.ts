import { describe, expect, it } from 'vitest'
import { mallocRestartEnv } from './malloc-env.ts'

const linux = { platform: 'linux' as const, glibc: true, canExec: true }

describe('mallocRestartEnv', () => {
  it('adds the settings on Linux with glibc', () => {
    expect(mallocRestartEnv({ PORT: '1' }, linux)).toEqual({ PORT: '1', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' })
  })

  it('leaves the process alone when either is already set, when switched off, or off glibc Linux', () => {
    expect(mallocRestartEnv({ MALLOC_ARENA_MAX: '4' }, linux)).toBeNull()
    expect(mallocRestartEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }, linux)).toBeNull()
    expect(mallocRestartEnv({ GLIBC_MALLOC_TUNING: 'false' }, linux)).toBeNull()
    expect(mallocRestartEnv({}, { ...linux, glibc: false })).toBeNull()
    expect(mallocRestartEnv({}, { ...linux, platform: 'darwin' })).toBeNull()
    expect(mallocRestartEnv({}, { ...linux, canExec: false })).toBeNull()
  })
})
