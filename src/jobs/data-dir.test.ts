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

  it('removes leftovers nobody owns, older versions\' upload folders too, and removes an upload without failing when it is already gone', async () => {
    root = await mkdtemp(join(tmpdir(), 'stagecast-data-dir-'))
    const dataDir = createDataDir(root, silent)
    const owned = '11111111-2222-4333-8444-555555555555'
    const orphan = '66666666-7777-4888-8999-aaaaaaaaaaaa'
    const legacyOrphan = 'bbbbbbbb-7777-4888-8999-aaaaaaaaaaaa'
    for (const id of [owned, orphan]) {
      await writeFile(dataDir.uploadFile(id, 1), 'a')
      await writeFile(dataDir.uploadFile(id, 2), 'b')
    }
    await writeFile(join(root, 'uploads', 'junk'), 'c')
    await mkdir(join(root, 'uploads', legacyOrphan))
    await writeFile(join(root, 'uploads', legacyOrphan, '1.upload'), 'd')
    await mkdir(join(dataDir.scratchRoot, `${owned}-x1`), { recursive: true })
    await mkdir(join(dataDir.scratchRoot, `${orphan}-x2`), { recursive: true })
    expect(await dataDir.removeLeftovers(async id => id === owned)).toEqual({ uploads: 3, scratch: 1 })
    expect((await readdir(join(root, 'uploads'))).sort()).toEqual([`${owned}.1.upload`, `${owned}.2.upload`])
    expect(await readdir(dataDir.scratchRoot)).toEqual([`${owned}-x1`])
    await dataDir.removeUploads(orphan)
    await dataDir.removeUploads(owned, [{ name: 'a.csv', path: dataDir.uploadFile(owned, 1), type: 'text/csv', bytes: 1 }, { name: 'b.csv', path: dataDir.uploadFile(owned, 2), type: 'text/csv', bytes: 1 }])
    expect(await readdir(join(root, 'uploads'))).toEqual([])
  })

  it('removes every numbered file of an upload whose files it was not told, and an upload stored by an older version', async () => {
    root = await mkdtemp(join(tmpdir(), 'stagecast-data-dir-'))
    const dataDir = createDataDir(root, silent)
    const id = '11111111-2222-4333-8444-555555555555'
    const legacy = '66666666-7777-4888-8999-aaaaaaaaaaaa'
    for (const index of [1, 2, 3]) await writeFile(dataDir.uploadFile(id, index), 'x')
    await mkdir(join(root, 'uploads', legacy))
    const legacyFile = join(root, 'uploads', legacy, '1.upload')
    await writeFile(legacyFile, 'y')
    await writeFile(join(root, 'uploads', legacy, '2.upload'), 'z')
    await dataDir.removeUploads(id)
    await dataDir.removeUploads(legacy, [{ name: 'a.csv', path: legacyFile, type: 'text/csv', bytes: 1 }])
    expect(await readdir(join(root, 'uploads'))).toEqual([])
  })
})
