/**
 * End to end on a 3,000,000-row CSV (~200 MB, generated into a temp folder, never committed):
 * upload → `complete` through a real server process, against a bare papaparse read of the same
 * file in this run (the ceiling: target ≥ 0.6× its speed); the server's peak RSS (target
 * < 250 MB); the longest gap between progress events (target ≤ 2 s); the time from the first
 * byte sent to the first progress event and to the first rows read (the job reads the file as
 * it arrives). With `--redis`, the same through an API instance and a worker process on the
 * local Redis (one deployment per round; peak RSS of each process).
 *
 * The server runs with the Docker image's runtime environment (glibc malloc settings, Node's
 * compile cache) and, like `src/server.ts`, restarts itself once with its runtime settings. A first, unmeasured run of the job fills the compile cache, as a deployment's
 * first job does. Then ROUNDS rounds, each a bare read (the faster of two) and the job on a
 * fresh server process: a shared VM varies by ±30% from minute to minute, so the table gives every
 * round, the median speed and the highest peak. The file is sent by `curl -F`.
 *
 *   node bench/report-e2e.ts [rows] [rounds] [--redis]
 */
import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { EventSource } from 'eventsource'
import Papa from 'papaparse'
import { DEPARTMENTS, REGIONS, seededRandom } from '../samples/generate-sales.ts'
import { table } from './report-bench-log.ts'
import { deletePrefix, REDIS_TEST_URL, uniquePrefix } from '../test/support/redis.ts'
import { startCluster } from '../test/support/scale-out-cluster.ts'
import { imageEnv, MALLOC_TUNING_LABEL } from './support/image-env.ts'
import { machine, record } from './support/report.ts'

const startedOn = machine()

const positional = process.argv.slice(2).filter(arg => !arg.startsWith('--'))
const ROWS = Number(positional[0] ?? 3_000_000)
const ROUNDS = Number(positional[1] ?? 3)
const REDIS_MODE = process.argv.includes('--redis')
const CHANNELS = ['Online shop', 'Retail store', 'Partner']
const dir = await mkdtemp(join(tmpdir(), 'report-e2e-'))
const csv = join(dir, 'big.csv')

async function generate (): Promise<void> {
  const random = seededRandom(3)
  const out = createWriteStream(csv)
  out.write('Order ID,Order Date,Region,Department,Channel,Units,Revenue,Cost\n')
  const days = 3 * 365
  let batch = ''
  for (let i = 0; i < ROWS; i++) {
    const day = Math.floor((i / ROWS) * days)
    const date = new Date(Date.UTC(2022, 0, 1 + day)).toISOString().slice(0, 10)
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * day) / 365)
    const [region] = REGIONS[i % REGIONS.length] ?? REGIONS[0]
    const [department, price] = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)] ?? DEPARTMENTS[0]
    const units = 1 + Math.floor(random() * 5)
    const revenue = units * price * season * (0.9 + 0.2 * random())
    batch += `SO-${1_000_000 + i},${date},${region},${department},${CHANNELS[i % CHANNELS.length]},${units},${revenue.toFixed(2)},${(revenue * 0.6).toFixed(2)}\n`
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>(resolve => out.once('drain', () => resolve()))
      batch = ''
    }
  }
  out.end(batch)
  await finished(out)
}

/**
 * The ceiling, in seconds: papaparse alone, read as the issue defines it (`setEncoding('utf8')`,
 * 64 KiB, rows as arrays). The chunk callback keeps papaparse from collecting every row.
 */
async function bareRead (): Promise<number> {
  const started = performance.now()
  const stream = createReadStream(csv, { highWaterMark: 64 * 1024 })
  stream.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => Papa.parse<string[]>(stream, { skipEmptyLines: true, chunk: () => {}, complete: () => resolve(), error: reject }))
  return (performance.now() - started) / 1000
}

const IMAGE_ENV = imageEnv(join(dir, 'compile-cache'))

function withoutImageEnv (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env }
  for (const name of Object.keys(IMAGE_ENV)) delete rest[name]
  return rest
}

/**
 * `withImageEnv: false` starts the server as `npm start` on a bare machine would: no compile
 * cache, and the malloc settings only from its own restart (memory/restart.ts).
 */
async function startServer (withImageEnv = true) {
  const dataDir = join(dir, 'data')
  const child = spawn(process.execPath, [fileURLToPath(new URL('./report-e2e-server.ts', import.meta.url))], {
    env: { ...withoutImageEnv(process.env), ...(withImageEnv ? IMAGE_ENV : {}), PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production', MAX_UPLOAD_BYTES: String(1024 ** 3) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /LISTENING (\S+)/.exec(chunk.toString())
      if (match?.[1]) resolve(match[1])
    })
    child.once('exit', code => reject(new Error(`server exited with ${code}`)))
  })
  return { child, url }
}

/**
 * Posts the file with curl itself (`-F`: one multipart body streamed from disk; the pipeline is
 * named before the file, as a form should, since a Redis deployment's workers may have others).
 * A Node client piping the file took several times curl's CPU on the same two cores as the
 * server; a real client is on another machine. Resolves with the status and body.
 */
async function upload (url: string, id: string): Promise<{ status: number, body: string }> {
  const curl = spawn('curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', '-H', `x-job-id: ${id}`, '-F', 'pipeline=report', '-F', `file=@${csv};type=text/csv`, `${url}/api/jobs`], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  curl.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  const code = await new Promise<number | null>((resolve, reject) => curl.once('error', reject).once('close', resolve))
  if (code !== 0) throw new Error(`curl exited with ${code}`)
  const cut = output.lastIndexOf('\n')
  return { status: Number(output.slice(cut + 1)), body: output.slice(0, cut) }
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
async function peakRss (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

interface JobRun {
  seconds: number
  uploadSeconds: number
  /** From the first byte sent to the first progress event, and to the first one with rows read. */
  firstProgressSeconds: number
  firstRowsSeconds: number
  progressTimes: number[]
  stages: string[]
}

/** Uploads the file and follows the job's stream to its end. */
async function runJob (url: string): Promise<JobRun> {
  const id = crypto.randomUUID()
  const progressTimes: number[] = []
  const stages: string[] = []
  let firstRowsAt = Number.NaN
  // The stream is open before the first byte is sent, as the web page opens it.
  const source = new EventSource(`${url}/api/progress/${id}`)
  await new Promise(resolve => source.addEventListener('connected', resolve, { once: true }))
  const done = new Promise<{ type: string, data: string }>((resolve) => {
    source.addEventListener('progress', event => {
      const at = performance.now()
      progressTimes.push(at)
      const data = JSON.parse(event.data) as { stage: string, detail?: { rows?: number } }
      if (Number.isNaN(firstRowsAt) && (data.detail?.rows ?? 0) > 0) firstRowsAt = at
      if (stages.at(-1) !== data.stage) stages.push(data.stage)
    })
    for (const type of ['complete', 'failed']) source.addEventListener(type, event => { source.close(); resolve({ type, data: event.data }) })
  })
  const started = performance.now()
  const response = await upload(url, id)
  if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${response.body}`)
  const uploaded = performance.now()
  const end = await done
  if (end.type !== 'complete') throw new Error(`job failed: ${end.data}`)
  return {
    seconds: (performance.now() - started) / 1000,
    uploadSeconds: (uploaded - started) / 1000,
    firstProgressSeconds: ((progressTimes[0] ?? Number.NaN) - started) / 1000,
    firstRowsSeconds: (firstRowsAt - started) / 1000,
    progressTimes,
    stages
  }
}

async function stopServer (child: ReturnType<typeof spawn>): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

interface Round {
  bare: number
  run: JobRun
  idleRss: number
  peakRss: number
  /** Redis mode: the worker process's, besides the API instance's above. */
  worker?: { idleRss: number, peakRss: number }
  maxGap: number
}

/** A deployment for one round: the embedded server, or (--redis) an API instance and a worker. */
interface Deployment { url: string, apiPid: number, workerPid?: number, stop: () => Promise<void> }

async function deploy (withImageEnv: boolean): Promise<Deployment> {
  if (!REDIS_MODE) {
    const { child, url } = await startServer(withImageEnv)
    return { url, apiPid: child.pid as number, stop: () => stopServer(child) }
  }
  const prefix = uniquePrefix('bench-e2e')
  const cluster = await startCluster({
    redisUrl: REDIS_TEST_URL,
    prefix,
    apis: 1,
    workers: 1,
    env: { ...(withImageEnv ? IMAGE_ENV : {}), NODE_ENV: 'production', JOB_CONCURRENCY: '1', WORKER_LOCK_MS: '30000', MAX_UPLOAD_BYTES: String(1024 ** 3) }
  })
  return {
    url: cluster.apis[0]?.url ?? '',
    apiPid: cluster.apis[0]?.pid ?? 0,
    workerPid: cluster.workers[0]?.pid ?? 0,
    stop: async () => {
      await cluster.stop()
      await deletePrefix(prefix)
    }
  }
}

/** One bare read (the faster of two, so page-cache or load luck cannot flatter the ratio) and one job. */
async function measureRound (withImageEnv = true): Promise<Round> {
  const bare = Math.min(await bareRead(), await bareRead())
  const deployment = await deploy(withImageEnv)
  try {
    const idleRss = await peakRss(deployment.apiPid)
    const workerIdle = deployment.workerPid ? await peakRss(deployment.workerPid) : 0
    const run = await runJob(deployment.url)
    const gaps = run.progressTimes.slice(1).map((time, i) => time - (run.progressTimes[i] as number))
    return {
      bare,
      run,
      idleRss,
      peakRss: await peakRss(deployment.apiPid),
      ...(deployment.workerPid ? { worker: { idleRss: workerIdle, peakRss: await peakRss(deployment.workerPid) } } : {}),
      maxGap: Math.max(...gaps) / 1000
    }
  } finally {
    await deployment.stop()
  }
}

const rssText = (round: Round) => round.worker
  ? `peak RSS API ${round.peakRss.toFixed(0)} MB, worker ${round.worker.peakRss.toFixed(0)} MB (idle ${round.idleRss.toFixed(0)}, ${round.worker.idleRss.toFixed(0)} MB)`
  : `peak RSS ${round.peakRss.toFixed(0)} MB (idle ${round.idleRss.toFixed(0)} MB)`
const highestRss = (round: Round) => Math.max(round.peakRss, round.worker?.peakRss ?? 0)

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

try {
  console.log(`generating ${ROWS.toLocaleString('en-US')} rows…`)
  await generate()
  const bytes = (await stat(csv)).size
  console.log('warm-up run (fills the compile cache)…')
  const first = await deploy(true)
  await runJob(first.url)
  await first.stop()
  const rounds: Round[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    rounds.push(await measureRound())
    const last = rounds.at(-1) as Round
    console.log(`round ${round}: bare ${last.bare.toFixed(2)} s, job ${last.run.seconds.toFixed(2)} s, ${rssText(last)}`)
  }
  // For comparison only: the same job on a server started without the image's environment.
  const plain = await measureRound(false)
  const ratio = median(rounds.map(round => round.bare / round.run.seconds))
  const peak = Math.max(...rounds.map(highestRss))
  const firstProgress = median(rounds.map(round => round.run.firstProgressSeconds))
  const firstRows = median(rounds.map(round => round.run.firstRowsSeconds))
  const maxGap = Math.max(...rounds.map(round => round.maxGap))
  const output = table([
    ['file', `${ROWS.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB`],
    ...rounds.map((round, i): [string, string] => [
      `round ${i + 1}: bare papaparse read · upload → complete`,
      `${round.bare.toFixed(2)} s · ${round.run.seconds.toFixed(2)} s (upload ${round.run.uploadSeconds.toFixed(2)} s) = ${(round.bare / round.run.seconds).toFixed(2)}× · ${rssText(round)}`
    ]),
    [
      'for comparison: one round without the image\'s environment',
      `${plain.bare.toFixed(2)} s · ${plain.run.seconds.toFixed(2)} s = ${(plain.bare / plain.run.seconds).toFixed(2)}× · ${rssText(plain)}`
    ],
    ['speed vs ceiling (median of rounds)', `${ratio.toFixed(2)}× ${ratio >= 0.6 ? '✓ ≥ 0.6×' : '✗ target ≥ 0.6×'}`],
    [`${REDIS_MODE ? 'API or worker' : 'server'} peak RSS (highest of rounds)`, `${peak.toFixed(0)} MB ${peak < 250 ? '✓ < 250 MB' : '✗ target < 250 MB'}`],
    ['first byte sent → first progress event · → first rows read (median)', `${(firstProgress * 1000).toFixed(0)} ms · ${(firstRows * 1000).toFixed(0)} ms`],
    ['longest gap between progress events', `${maxGap.toFixed(2)} s ${maxGap <= 2 ? '✓ ≤ 2 s' : '✗ target ≤ 2 s'}`],
    ['stages seen', (rounds[0] as Round).run.stages.join(' → ')]
  ])
  const where = REDIS_MODE ? 'Redis mode: one API instance and one worker process (`src/worker.ts`) on the local Redis and a shared DATA_DIR, a new deployment per round. ' : ''
  const about = `${where}The server runs with the Docker image's environment (${MALLOC_TUNING_LABEL}, NODE_COMPILE_CACHE), after one unmeasured run of the job that fills the compile cache. Each round is a bare papaparse read of the file (the faster of two: the ceiling) and the job on a fresh server process, the file sent by \`curl -F\`; the server restarts itself once with its runtime settings (\`--max-semi-space-size=2\` for its main thread), as \`src/server.ts\` does; targets are checked on the median speed and the highest peak. One more round without the image's environment (no compile cache) is shown for comparison.`
  console.log(output)
  const args = process.argv.slice(2).join(' ')
  record(`Report: ${ROWS.toLocaleString('en-US')}-row CSV end to end${REDIS_MODE ? ' (Redis: API instance + worker)' : ''}`, `node bench/report-e2e.ts${args ? ` ${args}` : ''}`, `${about}\n\n${output}`, startedOn)
} finally {
  await rm(dir, { recursive: true, force: true })
}
