/**
 * Uploads are refused on what actually runs out — the queue bound, free disk, and checks added
 * to `app.admission` (the memory budget) — with a JSON 503 and a Retry-After, against the real
 * listening server; a busy event loop alone no longer refuses them. Streams and reads are never
 * refused.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { recordStream } from '../support/event-stream.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const post = (current: TestApp) => fetch(`${current.url}/api/jobs`, { method: 'POST', body: csvForm() })

describe('upload admission', () => {
  it('refuses uploads past MAX_QUEUED_JOBS with 503 and Retry-After, keeps streams and reads, and admits again once the queue drains', async () => {
    const gates = createGates()
    const current = server = await buildTestApp({ JOB_CONCURRENCY: '1', MAX_QUEUED_JOBS: '1' }, { listen: true, pipelines: [gatedPipeline(gates)] })
    const running = await (await post(current)).json() as { id: string }
    await gates.arrived(running.id)
    const waiting = await post(current)
    expect(waiting.status).toBe(202)
    const refused = await post(current)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(await refused.json()).toMatchObject({ error: 'overloaded', message: expect.stringMatching(/1 job is already waiting \(MAX_QUEUED_JOBS is 1\)\. Try again in 30 seconds/) })

    const stream = recordStream(`${current.url}/api/progress/${running.id}`)
    await stream.waitForType('progress')
    stream.close()
    expect((await fetch(`${current.url}/api/jobs/${running.id}`)).status).toBe(200)

    // The first job finishes, the waiting one starts: the queue is empty and uploads are welcome.
    const { id: waitingId } = await waiting.json() as { id: string }
    for (let stage = 0; stage < 10; stage++) {
      await gates.arrived(running.id)
      gates.open(running.id)
    }
    await gates.arrived(waitingId)
    expect((await post(current)).status).toBe(202)
  })

  it('refuses an upload that would leave less than MIN_FREE_DISK_BYTES free, naming the disk', async () => {
    const current = server = await buildTestApp({ MIN_FREE_DISK_BYTES: String(2 ** 52) }, { listen: true, pipelines: [instantPipeline()] })
    const refused = await post(current)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('120')
    expect(await refused.json()).toMatchObject({ error: 'overloaded', message: expect.stringMatching(/the data disk has [\d,]+ MiB free and keeps [\d,]+ MiB in reserve \(MIN_FREE_DISK_BYTES\)/) })
    const stream = recordStream(`${current.url}/api/progress/${randomUUID()}`)
    await stream.waitForType('connected')
    stream.close()
  })

  it('asks the checks added to app.admission (the memory budget hook), with their own Retry-After', async () => {
    const current = server = await buildTestApp({}, { listen: true, pipelines: [instantPipeline()] })
    let budgetSpent = true
    const announced: Array<number | undefined> = []
    current.app.admission.addCheck(({ declaredBytes }) => {
      announced.push(declaredBytes)
      return budgetSpent ? { reason: 'the memory budget is spent', retryAfterSeconds: 7 } : undefined
    })
    const refused = await post(current)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('7')
    expect(await refused.json()).toMatchObject({ error: 'overloaded', message: expect.stringMatching(/the memory budget is spent/) })
    expect(announced[0]).toBeGreaterThan(0)
    budgetSpent = false
    expect((await post(current)).status).toBe(202)
  })

  it('takes ordinary uploads while the event loop is busy (the default sheds on delay no longer)', async () => {
    const current = server = await buildTestApp({ PRESSURE_SAMPLE_INTERVAL_MS: '100' }, { listen: true, pipelines: [instantPipeline()] })
    // Block the loop as a CPU-bound burst would, for several samples of the pressure monitor.
    const busyUntil = Date.now() + 600
    while (Date.now() < busyUntil) Math.sqrt(Math.random())
    const uploads = await Promise.all(Array.from({ length: 5 }, () => post(current)))
    expect(uploads.map(response => response.status)).toEqual([202, 202, 202, 202, 202])
    expect(current.app.isUnderPressure()).toBe(false)
  })
})
