/**
 * SSE fan-out in Redis mode: N clients, split evenly over two API instances, stream one job
 * that a worker process runs (progress every 250 ms, 20 ticks + complete). Every event goes
 * worker → Redis Stream → each API instance's single XREAD BLOCK reader → its streams.
 * Measures latency from append (`at`) to receipt, events delivered, API RSS per idle stream,
 * and the Redis connections the deployment holds (which must not grow with N).
 *
 *   node bench/redis-sse-fanout.ts [1000,5000,10000]
 */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { cpuSecondsOf, machine, percentile, record, rssOf, table } from './support/report.ts'
import { redisConnectionsByRole, upload, withDeployment } from './redis-support.ts'
import { openStream } from './support/sse-client.ts'

const sizes = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number)
/** queued, stage started, 20 ticks, complete. */
const EVENTS_PER_JOB = 23

async function run (clients: number) {
  return await withDeployment({ apis: 2, workers: 1 }, async (cluster, prefix) => {
    const id = randomUUID()
    const latencies: number[] = []
    let delivered = 0
    let completed = 0
    let connected = 0
    let allDone: () => void = () => {}
    let allConnected: () => void = () => {}
    const done = new Promise<void>(resolve => { allDone = resolve })
    const everyoneConnected = new Promise<void>(resolve => { allConnected = resolve })
    const onEvent = (name: string, data: Record<string, unknown>) => {
      if (name === 'connected') {
        if (++connected === clients) allConnected()
        return
      }
      if (name !== 'progress' && name !== 'complete') return
      delivered++
      if (typeof data.at === 'string') latencies.push(Date.now() - Date.parse(data.at))
      if (name === 'complete' && ++completed === clients) allDone()
    }
    const rssBefore = cluster.apis.map(api => rssOf(api.pid))
    const requests: Socket[] = []
    for (let opened = 0; opened < clients; opened += 250) {
      const batch = Math.min(250, clients - opened)
      requests.push(...await Promise.all(Array.from({ length: batch }, (_, index) =>
        openStream(`${cluster.apis[(opened + index) % cluster.apis.length]?.url}/api/progress/${id}`, onEvent))))
    }
    await everyoneConnected
    await new Promise(resolve => setTimeout(resolve, 1000))
    const rssPerStreamKb = cluster.apis.reduce((sum, api, index) => sum + rssOf(api.pid) - (rssBefore[index] ?? 0), 0) / clients / 1024
    const connections = await redisConnectionsByRole(prefix)
    const apiPids = cluster.apis.map(api => api.pid)
    const cpuBefore = { apis: apiPids.map(cpuSecondsOf), client: process.cpuUsage() }
    const started = performance.now()
    await upload(cluster.apis[0]?.url ?? '', 'ticker', { ticks: '20', tickMs: '250' }, id)
    await Promise.race([done, new Promise(resolve => setTimeout(resolve, 90_000))])
    const wallSeconds = (performance.now() - started) / 1000
    const clientCpu = process.cpuUsage(cpuBefore.client)
    const cpu = {
      apis: apiPids.map((pid, index) => cpuSecondsOf(pid) - (cpuBefore.apis[index] ?? 0)),
      client: (clientCpu.user + clientCpu.system) / 1e6,
      wallSeconds
    }
    for (const req of requests) req.destroy()
    return { latencies, delivered, completed, rssPerStreamKb, connections, cpu }
  })
}

const startedOn = machine()
const rows: Array<Array<string | number>> = []
for (const clients of sizes) {
  const result = await run(clients)
  const perApi = Object.entries(result.connections).sort().map(([role, count]) => `${role} ${count}`).join(', ')
  const { cpu } = result
  const cpuCell = `${cpu.wallSeconds.toFixed(1)} s wall: APIs ${cpu.apis.map(seconds => seconds.toFixed(1)).join(' + ')} s, client ${cpu.client.toFixed(1)} s`
  rows.push([clients, percentile(result.latencies, 50), percentile(result.latencies, 99), `${result.delivered}/${clients * EVENTS_PER_JOB}`, `${result.completed}/${clients}`, result.rssPerStreamKb.toFixed(1), cpuCell, perApi])
  console.log(rows.at(-1)?.join('  '))
}
record('SSE fan-out in Redis mode: one job, N streams over two API instances', `node bench/redis-sse-fanout.ts ${sizes.join(',')}`,
  'Two API processes and one worker process on the local Redis 7 (loopback); the job runs on the worker and reports progress every 250 ms (20 ticks + complete); the N streams are split evenly over the two API instances. Latency is receipt time minus the event\'s `at` (its append on the worker), same clock. CPU is what each process used from upload until every client had `complete` (the benchmark client, which parses every event of every stream, shares the same 2 cores). The last column counts the Redis connections of the whole deployment (2 API instances + 1 worker) by role, while all N streams are open: it must not grow with N.\n\n' +
  table(['streams', 'p50 ms', 'p99 ms', 'events delivered', 'clients that saw the end', 'API RSS per idle stream (KB)', 'CPU while the job ran', 'Redis connections (whole deployment)'], rows),
  startedOn)
