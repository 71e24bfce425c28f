/**
 * A worker's own `/metrics` (workers serve no API, so Prometheus scrapes them on a small port of
 * their own, WORKER_METRICS_PORT). Every process counts the job events it writes itself — API
 * instances the uploads and cancels they accept, workers the runs — so a metric summed over all
 * instances counts each event exactly once, and nothing patches the store to see them.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { Logger } from '../logger.ts'
import type { JobStore } from '../jobs/store/types.ts'
import { createJobMetrics } from './job-metrics.ts'

export interface WorkerMetricsOptions {
  store: Pick<JobStore, 'onAppended' | 'onEvicted'>
  /** Jobs this worker is running right now. */
  runningCount: () => number
  host: string
  port: number
  log: Logger
}

export interface WorkerMetrics {
  url: string
  close: () => Promise<void>
}

export async function startWorkerMetrics ({ store, runningCount, host, port, log }: WorkerMetricsOptions): Promise<WorkerMetrics> {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })
  const jobMetrics = createJobMetrics(registers)
  const stopFollowing = store.onAppended(jobMetrics.eventWritten)
  store.onEvicted(jobMetrics.jobEvicted)
  new Gauge({ // eslint-disable-line no-new -- registered on creation; read at scrape time
    name: 'stagecast_worker_jobs_running',
    help: 'Jobs this worker is running right now',
    registers,
    collect () { this.set(runningCount()) }
  })

  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ error: 'route_not_found', message: 'A worker serves only GET /metrics.' }))
      return
    }
    registry.metrics().then(text => {
      response.writeHead(200, { 'content-type': registry.contentType })
      response.end(text)
    }, (error: unknown) => {
      log.error({ err: error }, 'could not collect metrics')
      response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ error: 'internal_error', message: 'The metrics could not be collected.' }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const { address, port: bound } = server.address() as AddressInfo
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics`,
    close: () => new Promise(resolve => {
      stopFollowing()
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}
