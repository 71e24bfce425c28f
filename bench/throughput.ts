/**
 * Job throughput: trivial ten-stage jobs from POST to `complete`, as a client sees them — each
 * client uploads a small CSV, follows the job's progress stream to its `complete` event, and
 * starts the next. Reports jobs per second and per-job latency (POST sent → complete received).
 * The clients are raw sockets (support/raw-job-client.ts): server and clients share the cores,
 * and with fetch and a full SSE parser the clients took more than half the server's CPU per job.
 *
 *   node bench/throughput.ts [jobs=3000] [clients=64]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild } from './support/child.ts'
import { multipartRequest, untilStreamCompletes, UploadConnection } from './support/raw-job-client.ts'
import { cpuSecondsOf, machine, percentile, record, rssOf, table } from './support/report.ts'

const jobs = Number(process.argv[2] ?? 3000)
const clients = Number(process.argv[3] ?? 64)
const entry = fileURLToPath(new URL('../test/support/test-server.ts', import.meta.url))

const startedOn = machine()
const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-throughput-'))
const server = await startChild(entry, { DATA_DIR: dataDir, MAX_QUEUED_JOBS: '100000', RATE_LIMIT_UPLOADS_PER_MINUTE: '0' })
const upload = multipartRequest(server.url, '/api/jobs', { pipeline: 'instant' }, { name: 'tiny.csv', type: 'text/csv', content: 'date,region,revenue\n2024-01-01,North,10\n' })
const latencies: number[] = []
let next = 0
let peakRss = 0
const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssOf(server.process.pid as number)) }, 100)

const started = performance.now()
const serverCpuBefore = cpuSecondsOf(server.process.pid as number)
const clientCpuBefore = process.cpuUsage()
await Promise.all(Array.from({ length: clients }, async () => {
  const connection = new UploadConnection(server.url)
  while (next < jobs) {
    next++
    const sent = performance.now()
    const response = await connection.send(upload)
    if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${response.body}`)
    const { links } = JSON.parse(response.body) as { links: { events: string } }
    await untilStreamCompletes(server.url + links.events)
    latencies.push(performance.now() - sent)
  }
  connection.close()
}))
const seconds = (performance.now() - started) / 1000
const serverCpuMsPerJob = (cpuSecondsOf(server.process.pid as number) - serverCpuBefore) * 1000 / jobs
const { user, system } = process.cpuUsage(clientCpuBefore)
const clientCpuMsPerJob = (user + system) / 1000 / jobs
clearInterval(sampler)
await server.stop()
await rm(dataDir, { recursive: true, force: true })

record('Job throughput: trivial ten-stage jobs, POST to complete', `node bench/throughput.ts ${jobs} ${clients}`,
  `${clients} concurrent clients each upload a one-row CSV (multipart, on a kept-alive connection), follow the job's SSE stream (a new connection per job) to \`complete\`, and start the next. The clients are raw sockets, no HTTP library. Embedded durable store (every event written to DATA_DIR before it is sent), JOB_CONCURRENCY = cores.\n\n` +
  'Server and clients share the machine\'s cores; the CPU columns say how much of it each used per job.\n\n' +
  table(['jobs', 'clients', 'seconds', 'jobs/s', 'p50 ms', 'p99 ms', 'server CPU ms/job', 'client CPU ms/job', 'server peak RSS (MB)'],
    [[jobs, clients, seconds.toFixed(2), (jobs / seconds).toFixed(0), percentile(latencies, 50).toFixed(1), percentile(latencies, 99).toFixed(1), serverCpuMsPerJob.toFixed(2), clientCpuMsPerJob.toFixed(2), (peakRss / 2 ** 20).toFixed(0)]]),
  startedOn)
