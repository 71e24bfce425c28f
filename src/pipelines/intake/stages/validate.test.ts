/**
 * The validation stage on files whose declared type lies: the type comes from magic bytes.
 * Runs the real stage with a plain context object (no runner needed for one stage).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdapters, type Adapters } from '../../../adapters/index.ts'
import { loadConfig } from '../../../config.ts'
import type { JobInputFile, StageContext } from '../../../jobs/pipeline.ts'
import { makeTextPdf } from '../../../../test/fixtures/intake/make-documents.ts'
import { createIntakeState, type IntakeSettings, type IntakeState } from '../state.ts'
import { validateFiles } from './validate.ts'

let dir: string
let adapters: Adapters
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecast-validate-'))
  adapters = await createAdapters(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }))
})
afterAll(async () => {
  await adapters.close()
  await rm(dir, { recursive: true, force: true })
})

async function validate (files: JobInputFile[]) {
  const settings: IntakeSettings = { adapters, maxPages: 10, maxPagePixels: 25_000_000, maxImagePixels: 25_000_000, ocrDpi: 200, recycleReaderAfterPages: 10, readerHeapLimitMb: 128, pageWork: task => task() }
  const ctx: StageContext<IntakeState> = {
    upload: undefined,
    jobId: 'job-1',
    files,
    fields: {},
    scratchDir: dir,
    artifactDir: dir,
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
    state: createIntakeState(),
    progress: () => {},
    setResult: () => {}
  }
  await validateFiles(settings)(ctx)
  return ctx.state
}

async function file (name: string, bytes: Uint8Array, type: string): Promise<JobInputFile> {
  const path = join(dir, name)
  await writeFile(path, bytes)
  return { name, path, type, bytes: bytes.length }
}

describe('validation stage', () => {
  it('records each document with the type read from its bytes and its page count', async () => {
    const state = await validate([await file('a.pdf', await makeTextPdf([['one'], ['two']]), 'application/pdf')])
    expect(state.documents).toMatchObject([{ name: 'a.pdf', type: 'application/pdf', kind: 'pdf', pageCount: 2 }])
  })

  it('rejects a file whose bytes are not what its type claims, naming it', async () => {
    const zip = await file('invoice.pdf', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]), 'application/pdf')
    await expect(validate([zip])).rejects.toMatchObject({ code: 'unsupported_file_type', message: expect.stringMatching(/"invoice\.pdf" is a ZIP file/) })
    const text = await file('notes.png', new TextEncoder().encode('just some words'), 'image/png')
    await expect(validate([text])).rejects.toMatchObject({ code: 'unsupported_file_type', message: expect.stringMatching(/"notes\.png" is not a document format we know/) })
  })

  it('rejects an empty file', async () => {
    await expect(validate([await file('empty.pdf', new Uint8Array(0), 'application/pdf')])).rejects.toMatchObject({ code: 'empty_file' })
  })
})
