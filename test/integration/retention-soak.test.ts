/**
 * The failure that started this project: cleanup deleting sessions that were still running or
 * had just finished while the browser polled. The sweep runs every 10 ms with a 1 s TTL while
 * 1,000 jobs run and pollers read them: not one read of a live or recently finished job may miss.
 */
import { setImmediate as nextTick } from 'node:timers/promises'
import { afterEach, expect, it } from 'vitest'
import { writeFile } from 'node:fs/promises'
import type { JobInputFile, Pipeline } from '../../src/jobs/pipeline.ts'
import { buildTestApp, type TestApp } from '../support/build-app.ts'
import { instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp
afterEach(async () => { await server?.close() })

/** A real stored upload, as the HTTP layer would hand it over, without the HTTP layer's cost. */
async function smallCsv (path: string): Promise<JobInputFile> {
  await writeFile(path, 'a\n1\n')
  return { name: 'small.csv', path, type: 'text/csv', bytes: 4 }
}

/** Ten stages that each yield to the event loop a few times, so jobs overlap with the pollers. */
const yielding: Pipeline<null> = {
  ...instantPipeline('yielding'),
  stages: instantPipeline('yielding').stages.map(stage => ({
    ...stage,
    run: async ctx => {
      for (let i = 0; i < 3; i++) await nextTick()
      await stage.run(ctx)
    }
  }))
}

it('never loses a live or recently finished job while the sweep runs every 10 ms', async () => {
  server = await buildTestApp({ SWEEP_INTERVAL_MS: '10', JOB_TTL_SECONDS: '1', JOB_CONCURRENCY: '64', MAX_QUEUED_JOBS: '5000' }, { pipelines: [yielding] })
  const { jobs } = server.app
  const ids = Array.from({ length: 1000 }, () => crypto.randomUUID())
  const misses: string[] = []
  const lastFound = new Map<string, number>()
  const completed = new Set<string>()
  /** Ids read at least once after submission (found, or expired after a whole TTL). */
  const answered = new Set<string>()
  /** When each submission started: a job cannot finish, so cannot expire, any earlier. */
  const submittedAt = new Map<string, number>()
  let reads = 0
  let running = true

  const pollers = Array.from({ length: 4 }, async (_, poller) => {
    // eslint-disable-next-line no-unmodified-loop-condition -- the test body clears `running` when it is done
    while (running) {
      for (let index = poller; index < ids.length; index += 4) {
        const id = ids[index] as string
        const readAt = Date.now()
        const response = await server.app.inject(`/api/jobs/${id}`)
        reads++
        if (response.statusCode === 200) lastFound.set(id, readAt)
        if (response.statusCode === 200 && response.json().status === 'completed') completed.add(id)
        // 404 is expected only before the job was submitted; 410 only for a job nobody read for a whole TTL.
        if (response.statusCode === 404 && submitted.has(id)) misses.push(`${id}: 404 after it was submitted`)
        const sinceLastRead = readAt - (lastFound.get(id) ?? 0)
        if (response.statusCode === 410 && sinceLastRead < 900) misses.push(`${id}: 410 only ${sinceLastRead} ms after it was last read`)
        const sinceSubmitted = readAt - (submittedAt.get(id) ?? readAt)
        if (response.statusCode === 410 && sinceSubmitted < 950) misses.push(`${id}: 410 only ${sinceSubmitted} ms after it was submitted`)
        if (submitted.has(id) && response.statusCode !== 404) answered.add(id)
        // Leave the event loop to the jobs between reads, as real pollers on other machines would.
        await nextTick()
      }
    }
  })
  const submitted = new Set<string>()
  for (let batch = 0; batch < ids.length; batch += 100) {
    await Promise.all(ids.slice(batch, batch + 100).map(async id => {
      submittedAt.set(id, Date.now())
      await jobs.submit({ requestedId: id, receive: async pathOf => ({ files: [await smallCsv(pathOf(1))], pipelineName: 'yielding', fields: {} }) })
      submitted.add(id)
    }))
  }
  while ((await jobs.listUnfinished()).length > 0) await new Promise(resolve => setTimeout(resolve, 20))
  // Keep polling for a while after the last job finished: still well inside the TTL of each read.
  await new Promise(resolve => setTimeout(resolve, 300))
  running = false
  await Promise.all(pollers)

  expect(misses.slice(0, 5)).toEqual([])
  expect(misses.length).toBe(0)
  expect(reads).toBeGreaterThan(2000)
  // How many jobs a poller catches before they expire depends on the machine's speed; that
  // every one was answered for, and none expired early, does not.
  expect(answered.size).toBe(ids.length)
  expect(lastFound.size).toBeGreaterThan(0)
  expect(completed.size).toBeGreaterThan(0)
}, 120_000)
