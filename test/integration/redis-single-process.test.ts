/**
 * Redis mode on one box: REDIS_URL with RUN_WORKER_IN_API=true makes the API instance a
 * BullMQ worker too. The same contract holds: progress streams, results, cancellation,
 * readiness — through the Redis store and the BullMQ queue instead of the embedded ones.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'
import { deletePrefix, REDIS_TEST_URL, redisIsAvailable, uniquePrefix } from '../support/redis.ts'
import { createGates, gatedPipeline } from '../support/test-pipelines.ts'

const available = await redisIsAvailable()
const prefixes: string[] = []
let server: TestApp | undefined

afterEach(async () => { await server?.close() })
afterAll(async () => { if (available) await Promise.all(prefixes.map(prefix => deletePrefix(prefix))) })

async function start (gates: ReturnType<typeof createGates>) {
  const prefix = uniquePrefix('single')
  prefixes.push(prefix)
  server = await buildTestApp({ REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, RUN_WORKER_IN_API: 'true', JOB_CONCURRENCY: '2' }, { listen: true, pipelines: [gatedPipeline(gates)] })
  return server
}

async function upload (url: string) {
  const response = await fetch(`${url}/api/jobs`, { method: 'POST', body: csvForm() })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, links: { events: string } }
}

describe.skipIf(!available)('Redis mode with the worker inside the API process', () => {
  it('runs a job to its result and streams every event', async () => {
    const gates = createGates()
    const { url, dataDir } = await start(gates)
    // Redis holds the jobs: the embedded store's database is never opened.
    expect(existsSync(join(dataDir, 'jobs.db'))).toBe(false)
    expect((await fetch(`${url}/ready`)).status).toBe(200)
    const { id, links } = await upload(url)
    const stream = recordStream(url + links.events)
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(id)
      gates.open(id)
    }
    await stream.waitForType('complete')
    expect(existsSync(join(dataDir, 'jobs.db'))).toBe(false)
    await stream.waitClosed()
    stream.close()
    const ids = stream.received.filter(event => event.id !== '').map(event => Number(event.id))
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1))
    const result = await fetch(`${url}/api/jobs/${id}/result`)
    expect(result.status).toBe(200)
    expect(await result.json()).toMatchObject({ pipeline: 'gated' })
  })

  it('cancels a running job and deletes a finished one', async () => {
    const gates = createGates()
    const { url } = await start(gates)
    const { id, links } = await upload(url)
    const stream = recordStream(url + links.events)
    await gates.arrived(id)
    expect((await fetch(`${url}/api/jobs/${id}`, { method: 'DELETE' })).status).toBe(204)
    await stream.waitForType('cancelled')
    stream.close()
    expect(await (await fetch(`${url}/api/jobs/${id}`)).json()).toMatchObject({ status: 'cancelled' })
    expect((await fetch(`${url}/api/jobs/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(`${url}/api/jobs/${id}`)).status).toBe(410)
  })
})
