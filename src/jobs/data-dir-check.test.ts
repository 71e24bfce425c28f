import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { prepareDataDir } from './data-dir-check.ts'

let root: string
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'stagecast-data-dir-')) })
afterEach(() => { rmSync(root, { recursive: true, force: true }) })

describe('DATA_DIR at start-up', () => {
  it('creates a missing folder, several levels deep', () => {
    const dir = join(root, 'a', 'b', 'c')
    prepareDataDir(dir)
    expect(existsSync(dir)).toBe(true)
    expect(loadConfig({ DATA_DIR: dir }).dataDir).toBe(dir)
  })

  it('refuses a file, or a path below a file, naming DATA_DIR and the file', () => {
    const file = join(root, 'a-file')
    writeFileSync(file, 'x')
    expect(() => loadConfig({ DATA_DIR: file })).toThrow(/^DATA_DIR=.*a-file.*is a file, not a folder/)
    expect(() => loadConfig({ DATA_DIR: join(file, 'below') })).toThrow(/^DATA_DIR=.*a-file is a file, not a folder/)
  })

  it('fails at once, not after a timeout, where no folder can be made (/proc)', () => {
    const started = performance.now()
    expect(() => loadConfig({ DATA_DIR: '/proc/stagecast-nope' })).toThrow(/^DATA_DIR=\/proc\/stagecast-nope .*cannot be used/)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
