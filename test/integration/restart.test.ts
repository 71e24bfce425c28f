/**
 * Kill -9 the server mid-job and start it again on the same DATA_DIR: the running job is marked
 * interrupted (never left running), its stream says so, and a finished job's result survives.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { csvForm } from '../support/build-app.ts'
import { startChildServer, type ChildServer } from '../support/child-server.ts'
import { recordStream } from '../support/event-stream.ts'

const servers: ChildServer[] = []
let dataDir = ''
afterEach(async () => {
  for (const server of servers.splice(0)) server.process.kill('SIGKILL')
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

async function upload (url: string, pipeline: string) {
  const response = await fetch(`${url}/api/jobs`, { method: 'POST', body: csvForm(undefined, { pipeline }) })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, links: { events: string, result: string } }
}

it('marks a job interrupted after a crash and still serves finished results', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stagecast-restart-'))
  const first = await startChildServer({ DATA_DIR: dataDir })
  servers.push(first)
  const finished = await upload(first.url, 'instant')
  const finishedStream = recordStream(first.url + finished.links.events)
  await finishedStream.waitForType('complete')
  finishedStream.close()

  const running = await upload(first.url, 'hold')
  const stream = recordStream(first.url + running.links.events)
  await stream.waitFor(events => events.some(event => event.data.phase === 'advanced'))
  stream.close()
  const seenBeforeCrash = stream.received.filter(event => event.id !== '').at(-1)?.id as string
  first.process.kill('SIGKILL')
  await first.exited

  const second = await startChildServer({ DATA_DIR: dataDir, PORT: new URL(first.url).port })
  servers.push(second)
  const job = await (await fetch(`${second.url}/api/jobs/${running.id}`)).json()
  expect(job).toMatchObject({ status: 'interrupted', error: { code: 'interrupted' } })
  expect(job.message).toMatch(/restarted/)

  // A client resuming from what it saw before the crash gets the interruption, with the next id.
  const resumed = recordStream(second.url + running.links.events, { headers: { 'last-event-id': seenBeforeCrash } })
  const events = await resumed.waitForType('interrupted')
  resumed.close()
  expect(events.find(event => event.type === 'interrupted')?.id).toBe(String(Number(seenBeforeCrash) + 1))

  const result = await fetch(second.url + finished.links.result)
  expect(result.status).toBe(200)
  expect(await result.json()).toMatchObject({ pipeline: 'instant', files: ['sales.csv'] })
})

it('on SIGTERM gives a running job the grace period, then marks it interrupted and exits cleanly', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stagecast-shutdown-'))
  const server = await startChildServer({ DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: '1' })
  servers.push(server)
  const running = await upload(server.url, 'hold')
  const stream = recordStream(server.url + running.links.events)
  await stream.waitFor(events => events.some(event => event.data.phase === 'advanced'))
  server.process.kill('SIGTERM')
  // The stream is ended first (so the client can reconnect elsewhere), then the job is interrupted.
  expect(await server.exited).toBe(0)
  stream.close()

  const again = await startChildServer({ DATA_DIR: dataDir })
  servers.push(again)
  const job = await (await fetch(`${again.url}/api/jobs/${running.id}`)).json()
  expect(job).toMatchObject({ status: 'interrupted' })
  expect(job.message).toMatch(/shut down/)
})
