/**
 * The job system against what broke the hand-written journal: one X-Job-Id used by two uploads
 * at once, ids spelled differently, a disk that fills up mid-job followed by kill -9, folders
 * that cannot be written, cleanup that fails, and files a crash left behind.
 */
import { randomUUID } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, csvForm, type TestApp } from '../support/build-app.ts'
import { startChildServer, type ChildServer } from '../support/child-server.ts'
import { eventually, recordStream, type ReceivedEvent } from '../support/event-stream.ts'
import { gradualUpload } from '../support/gradual-upload.ts'
import { canMountTmpfs, mountSmallDisk, type SmallDisk } from '../support/small-disk.ts'
import { createGates, gatedPipeline, instantPipeline } from '../support/test-pipelines.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function serve (env: Record<string, string> = {}, options: Parameters<typeof buildTestApp>[1] = {}): Promise<TestApp> {
  const server = await buildTestApp(env, { listen: true, pipelines: [instantPipeline()], ...options })
  cleanups.push(() => server.close())
  return server
}

async function post (url: string, form: FormData, id?: string) {
  return await fetch(`${url}/api/jobs`, { method: 'POST', body: form, headers: id ? { 'x-job-id': id } : {} })
}

describe('one X-Job-Id, two uploads at once', () => {
  it('accepts exactly one; the other gets 409 at once, and the accepted job has only its own file', async () => {
    const server = await serve()
    const id = randomUUID()
    const mine = 'date,region,revenue\n' + Array.from({ length: 2000 }, (_, row) => `2024-01-${String(1 + row % 28).padStart(2, '0')},North,${row}`).join('\n') + '\n'
    const first = gradualUpload(server.url, id, [{ file: 'mine.csv', content: mine }])
    first.sendUntil(Math.floor(first.bytes / 2))
    // The first upload holds the id as soon as its request arrives, before its file is stored.
    await eventually(async () => (await post(server.url, csvForm('x\n1\n', {}, 'probe.csv'), id)).status === 409)
    const empty = await post(server.url, csvForm('', {}, 'theirs.csv'), id)
    expect(empty.status).toBe(409)
    expect(await empty.json()).toMatchObject({ error: 'job_id_in_use' })
    const other = await post(server.url, csvForm('date,region,revenue\n2030-01-01,Mars,1\n', {}, 'theirs.csv'), id)
    expect(other.status).toBe(409)

    first.finish()
    const accepted = await first.answered
    expect(accepted.status).toBe(202)
    const stream = recordStream(`${server.url}/api/progress/${id}`)
    await stream.waitForType('complete')
    stream.close()
    const job = await (await fetch(`${server.url}/api/jobs/${id}`)).json() as { files: Array<{ name: string, bytes: number }> }
    expect(job.files).toEqual([{ name: 'mine.csv', type: 'text/csv', bytes: Buffer.byteLength(mine) }])
    expect(await (await fetch(`${server.url}/api/jobs/${id}/result`)).json()).toMatchObject({ files: ['mine.csv'] })
  })

  it('gives the id back when its upload is refused, so the client can send it again', async () => {
    const server = await serve()
    const id = randomUUID()
    const refused = await post(server.url, csvForm('', {}, 'empty.csv'), id)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'empty_file' })
    expect((await fetch(`${server.url}/api/jobs/${id}`)).status).toBe(404)
    expect((await post(server.url, csvForm(), id)).status).toBe(202)
  })
})

describe('ids in other spellings', () => {
  it('serves uppercase and urn:uuid: ids as the one lowercase job, before and after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-ids-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const id = randomUUID()
    const first = await serve({}, { dataDir })
    const accepted = await post(first.url, csvForm(), id.toUpperCase())
    expect(accepted.status).toBe(202)
    expect(accepted.headers.get('x-job-id')).toBe(id)
    expect(await accepted.json()).toMatchObject({ id, links: { self: `/api/jobs/${id}` } })
    expect((await post(first.url, csvForm(), id)).status).toBe(409)
    expect((await post(first.url, csvForm(), `urn:uuid:${id}`)).status).toBe(409)
    await eventually(async () => (await (await fetch(`${first.url}/api/jobs/${id}`)).json() as { status: string }).status === 'completed')
    await first.close()

    const second = await serve({}, { dataDir })
    for (const spelling of [id, id.toUpperCase(), `urn:uuid:${id}`]) {
      const response = await fetch(`${second.url}/api/jobs/${encodeURIComponent(spelling)}`)
      expect(response.status, spelling).toBe(200)
      expect(await response.json()).toMatchObject({ id, status: 'completed' })
    }
    expect((await post(second.url, csvForm(), id.toUpperCase())).status).toBe(409)
  })
})

describe('files a crash left behind', () => {
  it('are removed at start-up, unless a live job still owns them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-leftovers-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const gates = createGates()
    const first = await serve({ JOB_CONCURRENCY: '1' }, { dataDir, pipelines: [gatedPipeline(gates)] })
    const running = await (await post(first.url, csvForm())).json() as { id: string }
    await gates.arrived(running.id)
    const queued = await (await post(first.url, csvForm())).json() as { id: string }
    await first.app.close()

    const orphan = randomUUID()
    await writeFile(join(dataDir, 'uploads', `${orphan}.1.upload`), 'half an upload')
    // An upload folder as older versions stored them.
    const olderOrphan = randomUUID()
    await mkdir(join(dataDir, 'uploads', olderOrphan), { recursive: true })
    await writeFile(join(dataDir, 'uploads', olderOrphan, '1.upload'), 'half an upload')
    await mkdir(join(dataDir, 'uploads', 'not-a-job-id'), { recursive: true })
    await mkdir(join(dataDir, 'scratch', `${orphan}-abc123`), { recursive: true })
    await mkdir(join(dataDir, 'scratch', `${running.id}-def456`), { recursive: true })

    const second = await serve({}, { dataDir, pipelines: [gatedPipeline(createGates())] })
    expect(await readdir(join(dataDir, 'uploads'))).toEqual([`${queued.id}.1.upload`])
    expect(await readdir(join(dataDir, 'scratch'))).toEqual([])
    // The job that was running was interrupted by the restart; the queued one runs again.
    expect(await (await fetch(`${second.url}/api/jobs/${running.id}`)).json()).toMatchObject({ status: 'interrupted' })
    expect(await (await fetch(`${second.url}/api/jobs/${queued.id}`)).json()).toMatchObject({ status: 'running' })
  })
})

/** A read-only mount over a folder: root is refused too (EROFS), as on a failing disk. */
function readOnlyMount (dir: string) {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
  execFileSync('mount', ['-o', 'remount,ro', dir])
  return () => execFileSync('umount', ['-l', dir])
}

describe.skipIf(!canMountTmpfs && process.env.CI !== 'true')('storage faults', () => {
  it('answers 503 storage_unavailable when uploads cannot be written, and keeps serving', async () => {
    const server = await serve()
    const uploads = join(server.dataDir, 'uploads')
    await mkdir(uploads, { recursive: true })
    cleanups.push(readOnlyMount(uploads))
    const refused = await post(server.url, csvForm())
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({ error: 'storage_unavailable' })
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })

  it('logs a failed removal of a finished job\'s upload and stays up', async () => {
    const gates = createGates()
    const server = await serve({}, { pipelines: [gatedPipeline(gates)] })
    const { id } = await (await post(server.url, csvForm())).json() as { id: string }
    await gates.arrived(id)
    // The upload becomes unremovable while the job runs: a read-only mount of the uploads
    // folder on top of itself.
    const uploads = join(server.dataDir, 'uploads')
    execFileSync('mount', ['--bind', uploads, uploads])
    execFileSync('mount', ['-o', 'remount,ro,bind', uploads])
    let mounted = true
    const unmount = () => {
      if (mounted) execFileSync('umount', ['-l', uploads])
      mounted = false
    }
    cleanups.push(unmount)
    for (let stage = 0; stage < 10; stage++) {
      if (stage > 0) await gates.arrived(id)
      gates.open(id)
    }
    await eventually(async () => (await (await fetch(`${server.url}/api/jobs/${id}`)).json() as { status: string }).status === 'completed')
    expect(existsSync(join(uploads, `${id}.1.upload`))).toBe(true)
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    unmount()
    expect((await post(server.url, csvForm())).status).toBe(202)
  })

  it('survives a full disk mid-job and kill -9: the outcome is recorded and no seq is ever served with other content', async () => {
    const disk: SmallDisk = mountSmallDisk(16)
    cleanups.push(() => disk.unmount())
    const start = async () => {
      // No free-space reserve: the upload must meet the full disk itself (and answer 507).
      const server = await startChildServer({ DATA_DIR: disk.dir, SWEEP_INTERVAL_MS: '200', MIN_FREE_DISK_BYTES: '0' })
      cleanups.push(() => server.process.kill('SIGKILL'))
      return server
    }
    const first: ChildServer = await start()
    const accepted = await post(first.url, csvForm(undefined, { pipeline: 'ticker', ticks: '40', tickMs: '100' }))
    const { id } = await accepted.json() as { id: string }
    const seen = recordStream(`${first.url}/api/progress/${id}`)
    await seen.waitFor(events => events.filter(event => event.type === 'progress').length >= 4)

    disk.fill()
    try {
      const refused = await post(first.url, csvForm())
      expect(refused.status).toBe(507)
      expect(await refused.json()).toMatchObject({ error: 'insufficient_storage' })
      await new Promise(resolve => setTimeout(resolve, 2500))
    } finally {
      disk.free()
    }
    const outcome = await seen.waitFor(events => events.some(event => ['complete', 'failed'].includes(event.type)), 20_000)
    const end = outcome.find(event => ['complete', 'failed'].includes(event.type)) as ReceivedEvent
    // Ticks every 100 ms cannot all fit in 2.5 s of a full disk: the job ends on the storage fault.
    expect(end).toMatchObject({ type: 'failed', data: { code: 'storage_failed', stage: 'ticking' } })
    seen.close()
    first.process.kill('SIGKILL')
    await first.exited

    const second = await start()
    const replay = recordStream(`${second.url}/api/progress/${id}`)
    await replay.waitFor(events => events.some(event => event.type === end.type))
    replay.close()
    const withIds = (events: ReceivedEvent[]) => events.filter(event => event.id !== '').map(event => [event.id, event.type, JSON.stringify(event.data)])
    expect(withIds(replay.received)).toEqual(withIds(seen.received))
    const seqs = withIds(seen.received).map(([seq]) => Number(seq))
    expect(seqs).toEqual(seqs.map((_, index) => index + 1))
  }, 60_000)
})
