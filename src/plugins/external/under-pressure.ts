/**
 * Opt-in load shedding (`@fastify/under-pressure`): when the event loop lags or memory passes
 * bounds an operator configured (all off by default), new uploads are answered 503 with
 * Retry-After. Off by default because accepted jobs queue anyway: on a busy machine event-loop
 * delay alone refused most ordinary uploads while nothing had run out. What does run out —
 * queue, disk, the memory budget — is checked for every upload by plugins/app/upload-admission.ts.
 * Nothing else is shed. Above all, an event stream is never answered 503 — EventSource gives up
 * for good on it — and reads stay cheap enough to serve.
 * A route opts in to shedding with `config: { shedUnderPressure: true }`.
 */
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { overloaded } from '../../errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer 503 while the server is under pressure (new work only). */
    shedUnderPressure?: boolean
  }
}

const RETRY_AFTER_SECONDS = 10

const describe: Record<string, string> = {
  eventLoopDelay: 'event loop delay',
  eventLoopUtilization: 'event loop utilisation',
  heapUsedBytes: 'heap memory',
  rssBytes: 'resident memory'
}

export default fp(async function underPressurePlugin (app) {
  const { config } = app
  await app.register(underPressure, {
    sampleInterval: config.PRESSURE_SAMPLE_INTERVAL_MS,
    maxEventLoopDelay: config.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
    // Utilisation over the last sample, not since start-up.
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: config.PRESSURE_MAX_HEAP_BYTES,
    maxRssBytes: config.PRESSURE_MAX_RSS_BYTES,
    pressureHandler: async (request, reply, type) => {
      if (!request.routeOptions.config.shedUnderPressure) return
      request.log.warn({ pressure: type }, 'shedding an upload under pressure')
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      throw overloaded(describe[type] ?? type)
    }
  })
}, { name: 'under-pressure', dependencies: ['config'] })
