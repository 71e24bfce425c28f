/**
 * `GET /api/progress/:id` — the job's progress as Server-Sent Events, per CONTRACT.md.
 * Answers that must stop EventSource from reconnecting (410 expired, 204 after the end) are
 * decided before the stream opens; everything after is `streamJobEvents`.
 */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError, badRequest, jobExpired } from '../../errors.ts'
import { isTerminal } from '../../jobs/model.ts'
import { MeteredSseConnection } from '../../metrics/metered-sse-connection.ts'
import { ErrorBody, JobIdParams } from '../jobs/schemas.ts'
import { StreamMessage, streamExample } from './event-schemas.ts'
import { streamJobEvents } from './stream-job-events.ts'

const EVENT_ID = /^\d{1,15}$/

/** The headers a stream opens with (`SseConnection` writes the same ones); a HEAD answers with these. */
const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

const streamDescription = `Server-Sent Events. Starts with \`retry: MS\`, then:
- \`connected\` {jobId, status} — first, always (status \`waiting\` while the job does not exist yet)
- \`progress\` {jobId, seq, stage, stageIndex, stageCount, percent, message, status, at, detail?} — every stage transition and within long stages; \`id\` = seq
- \`heartbeat\` {jobId, status, at} — every HEARTBEAT_SECONDS of silence
- \`complete\` {jobId, seq, percent: 100, result} · \`failed\` {jobId, seq, stage, code, message} · \`cancelled\` / \`interrupted\` {jobId, seq, message} — terminal; the response then ends
- \`timeout\` {jobId, reason: job_not_found | max_duration} — the stream gives up and ends; the job is unaffected
- \`reset\` {jobId, lastEventId, latestEventId, message} — id 0, right after \`connected\` when Last-Event-ID is beyond the job's log; every event then follows again from the first
Resume with the \`Last-Event-ID\` header or \`?lastEventId=N\`; a resume whose id is the terminal event's answers 204. HEAD answers the stream's headers only.`

export default async function progressRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config } = app
  const { jobs } = app

  app.get('/:id', {
    config: { jobToken: true },
    schema: {
      summary: 'Live progress of a job (Server-Sent Events)',
      description: streamDescription,
      params: JobIdParams,
      querystring: Type.Object({ lastEventId: Type.Optional(Type.String({ pattern: EVENT_ID.source })), token: Type.Optional(Type.String()) }),
      produces: ['text/event-stream'],
      response: {
        200: { description: 'The event stream', content: { 'text/event-stream': { schema: StreamMessage, example: streamExample } } },
        204: Type.Null(),
        400: ErrorBody,
        410: ErrorBody
      }
    }
  }, async (request, reply) => {
    const { id } = request.params
    const header = request.headers['last-event-id']
    const lastEventId = (typeof header === 'string' && header !== '') ? header : request.query.lastEventId
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw badRequest('invalid_last_event_id', 'Last-Event-ID must be the number of an event this stream sent.')
    }
    const afterSeq = lastEventId === undefined ? 0 : Number(lastEventId)

    if (request.method !== 'HEAD' && (app.streams.closing || app.streams.open.size >= config.MAX_OPEN_STREAMS)) {
      // A 503 would make EventSource give up for good; a dropped connection makes it retry
      // (elsewhere, or here once streams have ended), so memory stays bounded under a flood.
      if (!app.streams.closing) request.log.warn({ open: app.streams.open.size }, 'too many open streams; dropping a new one')
      request.raw.socket.destroy()
      return reply.hijack()
    }

    let lookup: Awaited<ReturnType<typeof jobs.lookup>>
    try {
      lookup = await jobs.lookup(id)
    } catch (error) {
      // With Redis down a 503 would make EventSource give up for good; a dropped connection
      // makes it retry after `retry` ms and resume once the store answers again.
      if (!(error instanceof AppError && error.code === 'store_unavailable')) throw error
      request.log.warn({ jobId: id }, 'job store unavailable; dropping a new progress stream so the client retries')
      request.raw.socket.destroy()
      return reply.hijack()
    }
    if (lookup.state === 'expired') throw jobExpired()
    const latestSeq = lookup.state === 'found' ? lookup.job.seq : 0
    if (lookup.state === 'found' && isTerminal(lookup.job.status) && afterSeq === latestSeq) {
      return reply.status(204).send(null)
    }
    if (request.method === 'HEAD') {
      // The headers a GET would start with, and nothing else: no body, no subscription. Written
      // raw so no Content-Length: 0 claims the stream would be empty.
      reply.hijack()
      reply.raw.writeHead(200, { ...reply.getHeaders() as Record<string, string>, ...STREAM_HEADERS })
      reply.raw.end()
      return
    }

    reply.hijack()
    const connection = new MeteredSseConnection(reply.raw, reply.getHeaders() as Record<string, string>, { maxBufferedBytes: config.SSE_MAX_BUFFER_BYTES }, app.metrics.countSseMessage)
    app.streams.add(connection)
    // An id the log never reached (a store that lost events, another deployment's stream, a
    // job that does not exist yet): replay from the start after a `reset`, so the outcome is seen.
    const aheadOfLog = afterSeq > latestSeq
    await streamJobEvents({
      jobId: id,
      afterSeq: aheadOfLog ? 0 : afterSeq,
      resetFrom: aheadOfLog ? { lastEventId: afterSeq, latestEventId: latestSeq } : undefined,
      status: lookup.state === 'found' ? lookup.job.status : 'waiting',
      events: jobs.events,
      connection,
      retryMs: config.SSE_RETRY_MS,
      heartbeatMs: config.HEARTBEAT_SECONDS * 1000,
      waitTimeoutMs: config.WAIT_TIMEOUT_SECONDS * 1000,
      maxDurationMs: config.MAX_STREAM_SECONDS * 1000
    })
  })
}
