/**
 * Job throughput in Redis mode, with one, two and four worker processes: trivial ten-stage
 * jobs from POST to `complete` as clients see them. Each client uploads a one-row CSV to one
 * of two API instances (round robin), follows the job's stream to `complete`, starts the next.
 *
 *   node bench/redis-throughput.ts [jobs=1000] [clients=32] [concurrency per worker=8] [workers=1,2,4]
 */
import { machine, percentile, record, table } from './support/report.ts'
import { upload, withDeployment } from './redis-support.ts'
import { untilComplete } from './support/sse-client.ts'

const jobs = Number(process.argv[2] ?? 1000)
const clients = Number(process.argv[3] ?? 32)
const concurrency = Number(process.argv[4] ?? 8)
const workerCounts = (process.argv[5] ?? '1,2,4').split(',').map(Number)

async function run (workers: number) {
  return await withDeployment({ apis: 2, workers, env: { JOB_CONCURRENCY: String(concurrency) } }, async cluster => {
    const latencies: number[] = []
    let next = 0
    const started = performance.now()
    await Promise.all(Array.from({ length: clients }, async () => {
      while (next < jobs) {
        const api = cluster.apis[next++ % cluster.apis.length]?.url ?? ''
        const sent = performance.now()
        await untilComplete(await upload(api, 'instant'))
        latencies.push(performance.now() - sent)
      }
    }))
    return { seconds: (performance.now() - started) / 1000, latencies }
  })
}

const startedOn = machine()
const rows: Array<Array<string | number>> = []
for (const workers of workerCounts) {
  const { seconds, latencies } = await run(workers)
  rows.push([workers, concurrency, jobs, clients, seconds.toFixed(2), (jobs / seconds).toFixed(0), percentile(latencies, 50).toFixed(1), percentile(latencies, 99).toFixed(1)])
  console.log(rows.at(-1)?.join('  '))
}
record(`Job throughput in Redis mode: ${workerCounts.join(', ')} workers`, `node bench/redis-throughput.ts ${jobs} ${clients} ${concurrency} ${workerCounts.join(',')}`,
  `Two API processes, N worker processes (JOB_CONCURRENCY ${concurrency} each) and the local Redis 7 on one machine; ${clients} concurrent clients each upload a one-row CSV to an API instance (round robin), follow the job's SSE stream to \`complete\`, and start the next. Each job: snapshot + 21 events in Redis (one Lua CAS each), one BullMQ job, stream delivery through the API instance's XREAD reader. Every process shares the machine's 2 cores, so more workers add processes, not cores.\n\n` +
  table(['workers', 'jobs per worker at once', 'jobs', 'clients', 'seconds', 'jobs/s', 'p50 ms', 'p99 ms'], rows),
  startedOn)
