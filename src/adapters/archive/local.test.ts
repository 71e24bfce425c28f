import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLocalArchive, safeFileName } from './local.ts'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'stagecast-archive-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('local archive', () => {
  it('copies the upload into DATA_DIR/archive/<job>/ under a safe name', async () => {
    const upload = join(dir, 'upload.bin')
    await writeFile(upload, 'scan bytes')
    const stored = await createLocalArchive(dir).store({ path: upload, name: '../../etc/passwd', type: 'application/pdf', bytes: 10, sha256: 'ab'.repeat(32), jobId: 'job-1' }, { signal: new AbortController().signal })
    expect(stored).toEqual({ provider: 'local', location: 'archive/job-1/abababababab-passwd' })
    expect(await readFile(join(dir, stored.location), 'utf8')).toBe('scan bytes')
  })

  it('keeps letters of any script and drops what a path could use', () => {
    expect(safeFileName('Factuur März 2024.pdf')).toBe('Factuur März 2024.pdf')
    expect(safeFileName('C:\\Users\\x\\..\\scan?.pdf')).toBe('scan_.pdf')
    expect(safeFileName('...')).toBe('document')
  })
})
