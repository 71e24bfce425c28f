import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createDataDir } from './data-dir.ts'

const silent = pino({ level: 'silent' })
let root: string
afterEach(async () => { await rm(root, { recursive: true, force: true }) })

describe('createDataDir', () => {
  it('makes the folders it needs and says, naming DATA_DIR, why a path cannot be used', async () => {
    root = await mkdtemp(join(tmpdir(), 'stagecast-data-dir-'))
    createDataDir(join(root, 'a', 'b'), silent)
    expect(existsSync(join(root, 'a', 'b', 'uploads'))).toBe(true)

    await writeFile(join(root, 'file'), 'not a folder')
    expect(() => createDataDir(join(root, 'file'), silent)).toThrow(/^DATA_DIR=.*file.* cannot be used: it is a file, not a folder/)
    expect(() => createDataDir(join(root, 'file', 'below'), silent)).toThrow(/is a file, not a folder/)
    // Node's own recursive mkdir spins forever here; this must fail at once.
    if (process.platform === 'linux') expect(() => createDataDir('/proc/stagecast-nope', silent)).toThrow(/DATA_DIR=\/proc\/stagecast-nope .*cannot be used: a folder cannot be created there/)
  })

  it('removes leftovers nobody owns, and removes an upload without failing when it is already gone', async () => {
    root = await mkdtemp(join(tmpdir(), 'stagecast-data-dir-'))
    const dataDir = createDataDir(root, silent)
    const owned = '11111111-2222-4333-8444-555555555555'
    const orphan = '66666666-7777-4888-8999-aaaaaaaaaaaa'
    for (const name of [owned, orphan, 'junk']) await mkdir(dataDir.uploadDir(name), { recursive: true })
    await mkdir(join(dataDir.scratchRoot, `${owned}-x1`), { recursive: true })
    await mkdir(join(dataDir.scratchRoot, `${orphan}-x2`), { recursive: true })
    expect(await dataDir.removeLeftovers(async id => id === owned)).toEqual({ uploads: 2, scratch: 1 })
    expect(await readdir(join(root, 'uploads'))).toEqual([owned])
    expect(await readdir(dataDir.scratchRoot)).toEqual([`${owned}-x1`])
    await dataDir.removeUploads(orphan)
    await dataDir.removeUploads(owned, [{ name: 'a.csv', path: join(dataDir.uploadDir(owned), '1.upload'), type: 'text/csv', bytes: 1 }])
    expect(await readdir(join(root, 'uploads'))).toEqual([])
  })
})
