/**
 * Shared steps of the intake integration tests: build the app with the intake pipeline and
 * adapters made by `createAdapters` (as the server does), upload a form with files, follow the
 * progress stream to the end.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { createAdapters, type AdapterOverrides, type Adapters } from '../../src/adapters/index.ts'
import { loadConfig } from '../../src/config.ts'
import { createIntakePipeline, type IntakeDeps } from '../../src/pipelines/intake/index.ts'
import { buildTestApp, type TestApp } from '../support/build-app.ts'
import { recordStream, type ReceivedEvent } from '../support/event-stream.ts'

export interface IntakeServer extends TestApp { adapters: Adapters }

export async function startIntakeServer (env: Record<string, string> = {}, options: { overrides?: AdapterOverrides, pipeline?: Partial<IntakeDeps>, dataDir?: string } = {}): Promise<IntakeServer> {
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'stagecast-intake-'))
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env })
  const adapters = await createAdapters(config, options.overrides)
  const pipeline = createIntakePipeline({ adapters, maxPages: config.MAX_PAGES, maxPagePixels: config.MAX_PAGE_PIXELS, ...options.pipeline })
  const app = await buildTestApp(env, { listen: true, pipelines: [pipeline], dataDir })
  return {
    ...app,
    adapters,
    close: async () => {
      await app.close()
      await adapters.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

export interface UploadFile { name: string, bytes: Uint8Array, type?: string }

export async function uploadIntake (server: TestApp, files: UploadFile[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  form.append('pipeline', 'intake')
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name)
  return fetch(`${server.url}/api/jobs`, { method: 'POST', body: form })
}

export async function runIntake (server: TestApp, files: UploadFile[], fields: Record<string, string> = {}, timeoutMs = 90_000) {
  const response = await uploadIntake(server, files, fields)
  expect(response.status).toBe(202)
  const job = await response.json() as { id: string, links: { events: string, result: string } }
  const stream = recordStream(server.url + job.links.events)
  const events = await stream.waitFor(received => received.some(isTerminal), timeoutMs, 'the intake job to finish')
  stream.close()
  const terminal = events.find(isTerminal)!
  const resultResponse = await fetch(server.url + job.links.result)
  const result = resultResponse.status === 200 ? await resultResponse.json() as IntakeResultJson : null
  return { job, events, terminal, result, resultResponse }
}

const isTerminal = (event: ReceivedEvent) => ['complete', 'failed', 'cancelled', 'interrupted'].includes(event.type)

/** The result document as JSON, typed loosely enough to check field by field. */
export interface IntakeResultJson {
  pipeline: string
  fields: Record<string, string>
  documents: Array<{
    name: string
    type: string
    bytes: number
    sha256: string
    pageCount: number
    pages: Array<{ number: number, text: string, source: 'text' | 'ocr', confidence?: number, dpi?: number, skipped?: boolean, warnings?: string[] }>
    extracted: {
      emails: Array<{ value: string }>
      phones: Array<{ value: string }>
      dates: Array<{ value: string, text: string, page: number }>
      amounts: Array<{ value: number, currency: string | null, total: boolean }>
      ibans: Array<{ value: string }>
      invoiceNumbers: Array<{ value: string, label: string }>
      total: { value: number, currency: string | null } | null
    }
    archive: { provider: string, location: string } | null
  }>
  export: { provider: string, location: string, range?: string, header: string[], row: string[] } | null
  warnings: Array<{ file: string, page?: number, message: string }>
}

/** Share of the expected words found in the text (case-insensitive, punctuation ignored). */
export function wordRecall (expected: string, actual: string): number {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const found = new Map<string, number>()
  for (const word of words(actual)) found.set(word, (found.get(word) ?? 0) + 1)
  const wanted = words(expected)
  let hits = 0
  for (const word of wanted) {
    const left = found.get(word) ?? 0
    if (left > 0) {
      hits++
      found.set(word, left - 1)
    }
  }
  return hits / wanted.length
}
