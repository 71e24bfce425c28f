/**
 * Prometheus metrics at `/metrics` (open, like /health): jobs by pipeline and status, stage
 * durations, uploaded bytes, job events written, queue depth, open event streams and the
 * messages sent on them, HTTP requests, and Node's process metrics. Each app has its own
 * registry, so several apps in one process (tests) never collide.
 */
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { createJobMetrics } from '../../metrics/job-metrics.ts'
import type { SentMessageCounter } from '../../metrics/metered-sse-connection.ts'

export interface MetricsDecorator {
  registry: Registry
  /** Counts one message sent on an event stream, by event name. */
  countSseMessage: SentMessageCounter
}

declare module 'fastify' {
  interface FastifyInstance { metrics: MetricsDecorator }
}

export default fp(async function metricsPlugin (app) {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })
  const { jobs } = app

  const jobMetrics = createJobMetrics(registers)
  // Jobs a previous run left queued or running are resumed or interrupted at start-up: know them first.
  for (const job of await jobs.listUnfinished()) jobMetrics.jobFound(job)
  // Metrics follow the job service's events, the same ones streams get: no store is patched.
  const stopFollowing = jobs.onEvent(jobMetrics.eventWritten)
  jobs.onEvicted(jobMetrics.jobEvicted)
  app.addHook('onClose', async () => stopFollowing())

  new Gauge({ // eslint-disable-line no-new -- registered on creation; read at scrape time
    name: 'stagecast_queue_depth',
    help: 'Jobs waiting for a worker',
    registers,
    async collect () { this.set(await jobs.queueDepth()) }
  })
  new Gauge({ // eslint-disable-line no-new -- registered on creation; read at scrape time
    name: 'stagecast_sse_streams_open',
    help: 'Event streams open right now',
    registers,
    collect () { this.set(app.streams.open.size) }
  })
  // One event fanned out to 10,000 streams is 10,000 messages: count them in a plain Map and
  // hand the totals to prom-client at scrape time, not one labelled inc() per write.
  const unscrapedSseMessages = new Map<string, number>()
  new Counter({ // eslint-disable-line no-new -- registered on creation; read at scrape time
    name: 'stagecast_sse_messages_sent_total',
    help: 'Messages sent on event streams, by event name',
    labelNames: ['event'],
    registers,
    collect () {
      for (const [event, count] of unscrapedSseMessages) this.inc({ event }, count)
      unscrapedSseMessages.clear()
    }
  })
  const httpDuration = new Histogram({
    name: 'stagecast_http_request_duration_seconds',
    help: 'HTTP requests (event streams excepted), by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers
  })

  app.decorate('metrics', { registry, countSseMessage: event => unscrapedSseMessages.set(event, (unscrapedSseMessages.get(event) ?? 0) + 1) })

  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe({
      method: request.method,
      // The route pattern, never the raw URL: job ids would make the label set unbounded.
      route: request.routeOptions.url ?? 'unmatched',
      status_code: reply.statusCode
    }, reply.elapsedTime / 1000)
  })

  app.get('/metrics', {
    schema: {
      summary: 'Metrics in the Prometheus text format',
      tags: ['operations'],
      produces: ['text/plain'],
      response: { 200: { type: 'string', description: 'Prometheus exposition format 0.0.4' } }
    },
    logLevel: 'warn'
  }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics', dependencies: ['jobs', 'streams'] })
