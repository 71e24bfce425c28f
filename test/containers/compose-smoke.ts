/**
 * Container smoke test — CI's container stage (`.ci/run`) runs it after building the image with
 * `podman build --format docker -t stagecast:latest .`. It starts docker-compose.yml exactly as
 * README.md says (`podman-compose up -d`, under its own project name) — Redis, two API instances,
 * two workers on one data volume — and checks, end to end:
 *
 * - API_KEYS and TOKEN_SECRET reach the containers (a request without the key gets 401);
 * - a report uploaded through one API instance streams from the other (a real EventSource);
 * - the worker running it is killed with SIGKILL mid-job; the job resumes on a worker within
 *   WORKER_LOCK_MS + 1 s and completes; its percent never decreases; event ids stay dense;
 * - no answer of either API instance is a 5xx (polled during the run, and in their logs);
 * - a root-owned bind mount for /data stops the container with the fix, not an EACCES trace.
 *
 * Everything it started is removed at the end, also when a check fails.
 *
 *   CONTAINERS_CONF=… node test/containers/compose-smoke.ts
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { isTerminalType, recordStream, type ReceivedEvent } from '../support/event-stream.ts'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))
const project = process.env.SMOKE_PROJECT ?? `stagecast-smoke-${process.pid}`
const image = process.env.SMOKE_IMAGE ?? 'stagecast:latest'
const LOCK_MS = 5000
const apiKey = randomBytes(16).toString('hex')
const composeEnv = { ...process.env, WORKER_LOCK_MS: String(LOCK_MS), API_KEYS: apiKey, TOKEN_SECRET: randomBytes(32).toString('hex') }
const container = (service: string, index = 1) => `${project}_${service}_${index}`
const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
const say = (message: string) => console.log(`[smoke ${elapsed()}] ${message}`)

async function podman (...args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
  return stdout.trim()
}

/**
 * podman-compose with its output in a file: it starts containers, and conmon would keep a pipe
 * open until they die, so a reader of that pipe would wait forever.
 */
async function compose (logDir: string, ...args: string[]): Promise<void> {
  const log = await open(join(logDir, 'podman-compose.log'), 'a')
  try {
    const child = spawn('podman-compose', ['-p', project, '-f', join(repo, 'docker-compose.yml'), ...args], { cwd: repo, env: composeEnv, stdio: ['ignore', log.fd, log.fd] })
    const code = await new Promise<number | null>((resolve, reject) => { child.once('error', reject); child.once('exit', resolve) })
    assert.equal(code, 0, `podman-compose ${args.join(' ')} exited with ${code}; see ${join(logDir, 'podman-compose.log')}`)
  } finally {
    await log.close()
  }
}

async function until<T> (what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** podman runs no health checks on its own without systemd; `healthcheck run` runs the same check now. */
const healthy = (name: string) => until(`${name} to be healthy`, 120_000, async () => await podman('healthcheck', 'run', name).then(() => true, () => undefined))

async function hostPort (name: string): Promise<number> {
  const mapping = await podman('port', name, '3000')
  const port = Number(/:(\d+)\s*$/m.exec(mapping)?.[1])
  assert.ok(port > 0, `no host port for ${name}: ${mapping}`)
  return port
}

async function makeCsv (dir: string): Promise<string> {
  const path = join(dir, 'sales.csv')
  // ~40× the walkthrough's sample (≈ 540,000 rows, 30 MB): long enough to kill its worker mid-run.
  await run(process.execPath, [join(repo, 'samples/generate-sales.ts'), path, '40'], { timeout: 120_000 })
  return path
}

async function upload (apiUrl: string, csvPath: string, withKey: boolean): Promise<Response> {
  const form = new FormData()
  form.append('file', new Blob([await readFile(csvPath)], { type: 'text/csv' }), 'sales.csv')
  return await fetch(`${apiUrl}/api/jobs`, { method: 'POST', body: form, headers: withKey ? { authorization: `Bearer ${apiKey}` } : {} })
}

/** The container of the worker holding a job: its claim's owner is `<hostname>:<pid>/<token>`. */
async function busyWorker (jobId: string): Promise<string | undefined> {
  const owner = await podman('exec', container('redis'), 'redis-cli', 'HGET', `stagecast:job:${jobId}`, 'owner')
  const host = owner.split(':')[0]
  if (!host) return undefined
  for (const index of [1, 2]) {
    if (await podman('inspect', '--format', '{{.Config.Hostname}}', container('worker', index)) === host) return container('worker', index)
  }
  return undefined
}

/** A root-owned bind mount on /data: the container must stop at once, naming uid 1000 and the fix. */
async function checkRootOwnedBindMount (dir: string) {
  const hostDir = join(dir, 'root-owned-data')
  await run('mkdir', ['-p', hostDir])
  await chmod(hostDir, 0o755)
  assert.equal((await stat(hostDir)).uid, 0, 'this check needs a folder owned by root (CI runs as root)')
  const outcome = await run('podman', ['run', '--rm', '-v', `${hostDir}:/data`, image], { timeout: 60_000 }).then(() => ({ code: 0, stderr: '' }), (error: { code?: number, stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }))
  assert.equal(outcome.code, 78, `a root-owned /data bind mount: exit ${outcome.code}, stderr ${outcome.stderr}`)
  assert.match(outcome.stderr, /not writable by this container's user \(uid 1000, gid 1000\)/)
  assert.match(outcome.stderr, /chown -R 1000:1000/)
  say('a root-owned /data bind mount stops the container with the chown fix (exit 78)')
}

const numbered = (events: ReceivedEvent[]) => events.filter(event => event.id !== '')

async function main (workDir: string) {
  await checkRootOwnedBindMount(workDir)
  const csv = await makeCsv(workDir)

  await compose(workDir, 'up', '-d')
  say('podman-compose up -d returned')
  await Promise.all([container('redis'), container('api', 1), container('api', 2), container('worker', 1), container('worker', 2)].map(healthy))
  say('redis, 2 API instances and 2 workers are healthy')
  const apiA = `http://127.0.0.1:${await hostPort(container('api', 1))}`
  const apiB = `http://127.0.0.1:${await hostPort(container('api', 2))}`

  const refused = await upload(apiA, csv, false)
  assert.equal(refused.status, 401, 'API_KEYS reached the API containers: a request without the key is refused')

  const accepted = await upload(apiA, csv, true)
  assert.equal(accepted.status, 202, `upload through API instance A: ${accepted.status} ${await accepted.clone().text()}`)
  const job = await accepted.json() as { id: string, links: { events: string, result: string, pdf: string } }
  say(`job ${job.id} accepted by API instance A`)
  const stream = recordStream(`${apiB}${job.links.events}`)

  // Polls both instances through the whole run: any 5xx fails the test.
  const answers: number[] = []
  const polling = new AbortController()
  const poller = (async () => {
    while (!polling.signal.aborted) {
      for (const base of [apiA, apiB]) {
        const response = await fetch(`${base}/api/jobs/${job.id}`, { headers: { authorization: `Bearer ${apiKey}` } }).catch(() => undefined)
        if (response) { answers.push(response.status); await response.body?.cancel() }
      }
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  })()

  try {
    await stream.waitFor(events => events.some(event => event.type === 'progress' && event.data.status === 'running' && Number(event.data.stageIndex) >= 1), 60_000, 'the job to run past its first stage')
    const victim = await until('the busy worker', 10_000, () => busyWorker(job.id))
    assert.ok(!stream.received.some(isTerminalType), 'the job is still running when its worker is killed')
    await podman('kill', '--signal', 'KILL', victim)
    const killedAt = performance.now()
    say(`killed ${victim} (SIGKILL) while it ran the job`)

    const resumed = await stream.waitFor(events => events.some(event => (event.data.detail as { resumed?: boolean } | undefined)?.resumed === true), LOCK_MS * 4, 'the job to resume on a worker')
    const resumeMs = performance.now() - killedAt
    say(`resumed ${Math.round(resumeMs)} ms after the kill (lock ${LOCK_MS} ms)`)
    assert.ok(resumed)
    assert.ok(resumeMs < LOCK_MS + 1000, `resumed ${Math.round(resumeMs)} ms after the kill; the bound is WORKER_LOCK_MS + 1 s`)

    await stream.waitFor(events => events.some(isTerminalType), 180_000, 'the job to end')
    say('the job ended')
  } finally {
    stream.close()
    polling.abort()
    await poller
  }

  const events = numbered(stream.received)
  assert.equal(events.at(-1)?.type, 'complete', `the job completed: last event ${JSON.stringify(events.at(-1))}`)
  assert.deepEqual(events.map(event => Number(event.id)), Array.from({ length: events.length }, (_, index) => index + 1), 'event ids are dense from 1')
  const percents = events.map(event => Number(event.data.percent))
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), `percent never decreases: ${percents.join(' ')}`)

  const token = { authorization: `Bearer ${apiKey}` }
  const result = await fetch(`${apiB}${job.links.result}`, { headers: token })
  assert.equal(result.status, 200, 'the result from instance B')
  const pdf = await fetch(`${apiA}${job.links.pdf}`, { headers: token })
  assert.equal(pdf.status, 200, 'the report PDF from instance A')
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-')

  assert.ok(answers.length > 0, 'the poller got answers')
  assert.deepEqual(answers.filter(status => status >= 500), [], 'no 5xx from either API instance while the job ran')
  for (const index of [1, 2]) {
    const { stdout, stderr } = await run('podman', ['logs', container('api', index)], { maxBuffer: 64 * 1024 * 1024 })
    const bad = `${stdout}\n${stderr}`.split('\n').filter(line => /"statusCode":5\d\d|"level":(50|60)/.test(line))
    assert.deepEqual(bad, [], `API instance ${index} logged a 5xx or an error`)
  }
  say(`passed: ${events.length} events, ${answers.length} polls without a 5xx`)
}

async function cleanUp (workDir: string) {
  await compose(workDir, 'down', '-v', '-t', '10').catch(error => console.error(`podman-compose down: ${(error as Error).message}`))
  // Whatever podman-compose left behind (a failed `up`, a restarted container), by its labels.
  const label = `label=io.podman.compose.project=${project}`
  const leftovers = await podman('ps', '-aq', '--filter', label).catch(() => '')
  if (leftovers) await podman('rm', '-f', ...leftovers.split('\n')).catch(() => '')
  const volumes = await podman('volume', 'ls', '-q', '--filter', label).catch(() => '')
  if (volumes) await podman('volume', 'rm', '-f', ...volumes.split('\n')).catch(() => '')
  await podman('network', 'rm', '-f', `${project}_default`).catch(() => '')
  await rm(workDir, { recursive: true, force: true })
}

const workDir = await mkdtemp(join(tmpdir(), 'stagecast-smoke-'))
let failed = false
try {
  await main(workDir)
} catch (error) {
  failed = true
  console.error(`[smoke ${elapsed()}] FAILED: ${(error as Error).stack ?? String(error)}`)
  for (const name of [container('api', 1), container('api', 2), container('worker', 1), container('worker', 2)]) {
    const logs = await run('podman', ['logs', '--tail', '40', name], { maxBuffer: 16 * 1024 * 1024 }).then(({ stdout, stderr }) => stdout + stderr, () => '(no logs)')
    console.error(`--- ${name}\n${logs}`)
  }
  console.error(`--- podman-compose\n${await readFile(join(workDir, 'podman-compose.log'), 'utf8').catch(() => '(none)')}`)
} finally {
  await cleanUp(workDir)
  say('cleaned up')
}
process.exit(failed ? 1 : 0)
