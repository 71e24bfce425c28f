/**
 * Builds the app for a test with a private DATA_DIR and quiet logs, and closes it afterwards.
 * `listen: true` gives a real port for streaming tests (EventSource needs a socket).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildOptions } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'

export interface TestApp {
  app: FastifyInstance
  /** `http://127.0.0.1:PORT` when listening. */
  url: string
  dataDir: string
  close: () => Promise<void>
}

export async function buildTestApp (env: Record<string, string> = {}, options: BuildOptions & { listen?: boolean, dataDir?: string } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'stagecast-test-'))
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: '0', SSE_RETRY_MS: '100', ...env })
  const app = await buildApp(config, options)
  let url = ''
  if (options.listen) url = await app.listen({ host: '127.0.0.1', port: 0 })
  else await app.ready()
  let closing: Promise<void> | undefined
  return {
    app,
    url,
    dataDir,
    // Safe to call twice: a test may close a server early (to hand its DATA_DIR to the next).
    close: () => (closing ??= (async () => {
      await app.close()
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true })
    })())
  }
}

/** A multipart body for `inject` or `fetch`. */
export function csvForm (content = 'date,region,revenue\n2024-01-01,North,10\n2024-02-01,South,12\n', fields: Record<string, string> = {}, name = 'sales.csv'): FormData {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  form.append('file', new Blob([content], { type: 'text/csv' }), name)
  return form
}
