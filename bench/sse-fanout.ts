/**
 * SSE fan-out: N clients stream one job while it reports progress every 250 ms. Measures the
 * latency from the event's append (its `at`) to its receipt (p50/p99) and the server's RSS per
 * idle stream, for stagecast and, in the same run, the polling design it replaces.
 *
 * `complete` is also timed from the append of the last progress event: it follows that event at
 * once, and a store that takes both in one write stamps it before the progress event has reached
 * every stream, so its own latency counts that fan-out too, while the moment clients get it does
 * not move.
 *
 *   node bench/sse-fanout.ts [1000,5000,10000]
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild, type Child } from './support/child.ts'
import { openStream } from './support/sse-client.ts'
import { machine, percentile, record, rssOf, table } from './support/report.ts'

const sizes = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number)
const stagecastEntry = fileURLToPath(new URL('../test/support/test-server.ts', import.meta.url))
const baselineEntry = fileURLToPath(new URL('./support/polling-baseline-server.ts', import.meta.url))

/** Each server first runs one job to 200 streams, unmeasured, so the figures are of warm (JIT-compiled) code, as in a server that has been up a while. */
const WARM_UP_STREAMS = 200

interface Measured { latencies: number[], progressLatencies: number[], completeAfterProgress: number[], delivered: number, rssPerStreamKb: number, completed: number }

async function measure (server: Child, streamUrl: string, start: () => Promise<void>, clients: number): Promise<Measured> {
  const latencies: number[] = []
  const progressLatencies: number[] = []
  const completeAfterProgress: number[] = []
  let delivered = 0
  let completed = 0
  let connected = 0
  let allDone: () => void = () => {}
  const done = new Promise<void>(resolve => { allDone = resolve })
  const listener = () => {
    let lastProgressAt = Number.NaN
    return (name: string, data: Record<string, unknown>) => {
      if (name === 'connected') { connected++; return }
      if (name !== 'progress' && name !== 'complete') return
      delivered++
      const receivedAt = Date.now()
      if (typeof data.at === 'string') {
        const at = Date.parse(data.at)
        latencies.push(receivedAt - at)
        if (name === 'progress') {
          progressLatencies.push(receivedAt - at)
          lastProgressAt = at
        }
      }
      if (name !== 'complete') return
      if (!Number.isNaN(lastProgressAt)) completeAfterProgress.push(receivedAt - lastProgressAt)
      if (++completed === clients) allDone()
    }
  }
  const pid = server.process.pid as number
  const rssBefore = rssOf(pid)
  const requests: Socket[] = []
  // Connect in batches: the listen backlog is finite, and real clients do not arrive at once either.
  for (let opened = 0; opened < clients; opened += 250) {
    const batch = Math.min(250, clients - opened)
    requests.push(...await Promise.all(Array.from({ length: batch }, () => openStream(streamUrl, listener()))))
  }
  // eslint-disable-next-line no-unmodified-loop-condition -- `connected` is counted by onEvent
  while (connected < clients) await new Promise(resolve => setTimeout(resolve, 50))
  await new Promise(resolve => setTimeout(resolve, 1000))
  const rssPerStreamKb = (rssOf(pid) - rssBefore) / clients / 1024
  await start()
  await Promise.race([done, new Promise(resolve => setTimeout(resolve, 60_000))])
  for (const req of requests) req.destroy()
  return { latencies, progressLatencies, completeAfterProgress, delivered, rssPerStreamKb, completed }
}

async function runStagecast (clients: number): Promise<Measured> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-bench-'))
  const server = await startChild(stagecastEntry, { DATA_DIR: dataDir, MAX_QUEUED_JOBS: '100000', HEARTBEAT_SECONDS: '15', WAIT_TIMEOUT_SECONDS: '600' })
  const run = (streams: number) => {
    const id = randomUUID()
    return measure(server, `${server.url}/api/progress/${id}`, async () => {
      const form = new FormData()
      form.append('pipeline', 'ticker')
      form.append('ticks', '20')
      form.append('tickMs', '250')
      form.append('file', new Blob(['a,b\n1,2\n']), 'tick.csv')
      const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', body: form, headers: { 'x-job-id': id } })
      if (response.status !== 202) throw new Error(`upload failed: ${response.status} ${await response.text()}`)
    }, streams)
  }
  try {
    await run(WARM_UP_STREAMS)
    return await run(clients)
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function runBaseline (clients: number): Promise<Measured> {
  const server = await startChild(baselineEntry, {})
  const run = (streams: number) => {
    const id = randomUUID()
    return measure(server, `${server.url}/poll/${id}`, async () => { await fetch(`${server.url}/start/${id}`) }, streams)
  }
  try {
    await run(WARM_UP_STREAMS)
    return await run(clients)
  } finally {
    await server.stop()
  }
}

const startedOn = machine()
const rows: Array<Array<string | number>> = []
for (const clients of sizes) {
  for (const [design, run] of [['stagecast (push)', runStagecast], ['baseline (poll 500 ms)', runBaseline]] as const) {
    const result = await run(clients)
    const { latencies, progressLatencies, completeAfterProgress } = result
    rows.push([clients, design, percentile(latencies, 50), percentile(latencies, 99), `${percentile(progressLatencies, 50)} / ${percentile(progressLatencies, 99)}`,
      `${percentile(completeAfterProgress, 50)} / ${percentile(completeAfterProgress, 99)}`, result.delivered, `${result.completed}/${clients}`, result.rssPerStreamKb.toFixed(1)])
    console.log(rows.at(-1)?.join('  '))
  }
}
record('SSE fan-out: one job, N streams', `node bench/sse-fanout.ts ${sizes.join(',')}`,
  'One job reports progress every 250 ms (20 ticks + complete); every stream must receive every event. Each server first runs one unmeasured job to 200 streams (warm-up). Latency is receipt time minus the event\'s `at` (append time), on the same clock. `complete` follows the last progress event at once, so it is also timed from that event\'s append: the moment a client learns the job is done.\n\n' +
  table(['streams', 'design', 'p50 ms', 'p99 ms', 'progress p50 / p99 ms', 'complete after the last progress event p50 / p99 ms', 'events delivered', 'clients that saw the end', 'server RSS per idle stream (KB)'], rows),
  startedOn)
