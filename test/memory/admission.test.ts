/**
 * The embedded queue admits jobs against the memory pool, not only JOB_CONCURRENCY: with room
 * for four jobs by count, a second job whose pipeline needs most of the pool waits until the
 * first has ended, while jobs that fit side by side run together. Stages are held at gates the
 * test opens, so the order is observed, never timed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { memoryPlan } from '../../src/memory/index.ts'
import type { Pipeline } from '../../src/jobs/pipeline.ts'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { createGates, gatedPipeline, TEN_STAGES, type Gates } from '../support/test-pipelines.ts'

let server: TestApp | undefined
afterEach(async () => { await server?.close() })

async function submit (app: TestApp, pipeline: string): Promise<string> {
  const request = new Request('http://x/', { method: 'POST', body: csvForm(undefined, { pipeline }) })
  const reply = await app.app.inject({ method: 'POST', url: '/api/jobs', payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') as string } })
  expect(reply.statusCode).toBe(202)
  return reply.json<{ id: string }>().id
}

/** Opens every gate of the job in turn, then waits for its terminal state (bounded). */
async function runThrough (app: TestApp, gates: Gates, jobId: string): Promise<void> {
  for (let stage = 0; stage < TEN_STAGES.length; stage++) {
    await gates.arrived(jobId)
    gates.open(jobId)
  }
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const { status } = (await app.app.inject(`/api/jobs/${jobId}`)).json<{ status: string }>()
    if (status === 'completed') return
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`job ${jobId} did not complete`)
}

function sized (gates: Gates, name: string, share: number): Pipeline<null> {
  // The same plan the app makes from the same setting (and the same cgroup, if any).
  return { ...gatedPipeline(gates, { name }), memoryBytes: Math.floor(memoryPlan(512).poolBytes * share) }
}

describe('admission against the memory pool', () => {
  it('holds a second big job until the first has ended', async () => {
    const gates = createGates()
    server = await buildTestApp({ JOB_CONCURRENCY: '4', MEMORY_LIMIT_MB: '512' }, { pipelines: [sized(gates, 'big', 0.6)] })
    const first = await submit(server, 'big')
    const second = await submit(server, 'big')
    const order: string[] = []
    // The store tells subscribers of the terminal event the moment it is stored, before the
    // queue hears that the run is over: a true order, where a poll of the job would lag.
    const stop = server.app.jobs.events.subscribe(first, event => { if (event.type !== 'progress') order.push('first ended') })
    const secondStarted = gates.arrived(second).then(() => { order.push('second started') })
    await runThrough(server, gates, first)
    await secondStarted
    stop()
    expect(order).toEqual(['first ended', 'second started'])
    await runThrough(server, gates, second)
  })

  it('runs jobs that fit side by side together', async () => {
    const gates = createGates()
    server = await buildTestApp({ JOB_CONCURRENCY: '4', MEMORY_LIMIT_MB: '512' }, { pipelines: [sized(gates, 'small', 0.3)] })
    const first = await submit(server, 'small')
    const second = await submit(server, 'small')
    // Both reach their first gate while neither has been let through one.
    await Promise.all([gates.arrived(first), gates.arrived(second)])
    await Promise.all([runThrough(server, gates, first), runThrough(server, gates, second)])
  })
})
