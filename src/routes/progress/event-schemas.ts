/**
 * The messages of the progress stream, as schemas: one per event name with the shape of its
 * JSON `data` (CONTRACT.md "Progress stream"). They document the stream in the OpenAPI document
 * (the way OpenAPI 3.2 describes SSE: one schema per message), and the tests check every event
 * a real stream sends against them, so the documentation cannot drift from the code.
 */
import { Type, type TSchema } from 'typebox'
import { JOB_STATUSES } from '../../jobs/model.ts'

const jobId = Type.String({ format: 'uuid' })
const seq = Type.Integer({ minimum: 1, description: 'The job\'s event sequence number; also the message `id`' })
const at = Type.String({ format: 'date-time' })

export const StreamEventData = {
  connected: Type.Object({ jobId, status: Type.Enum([...JOB_STATUSES, 'waiting']) }, { description: 'First, always. `waiting`: the job does not exist yet (opened before the upload, with X-Job-Id).' }),
  progress: Type.Object({
    jobId,
    seq,
    stage: Type.String(),
    stageIndex: Type.Integer({ minimum: 0 }),
    stageCount: Type.Integer({ minimum: 1 }),
    percent: Type.Number({ minimum: 0, maximum: 100, description: 'Never goes down within a job' }),
    message: Type.String(),
    status: Type.Enum(['queued', 'running']),
    phase: Type.Enum(['queued', 'started', 'advanced', 'finished', 'received'], { description: '`started`/`finished`: a stage transition; `advanced`: progress within a stage; `queued`: waiting for a worker; `received`: the upload has fully arrived (a job starts on its first bytes).' }),
    at,
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Stage specifics such as rows or pages; while the upload arrives, `bytesReceived` and `bytesExpected` (the request\'s Content-Length)' }))
  }, { description: 'Every stage transition, and progress within long stages.' }),
  reset: Type.Object({
    jobId,
    lastEventId: Type.Integer({ minimum: 1, description: 'The Last-Event-ID the client sent' }),
    latestEventId: Type.Integer({ minimum: 0, description: 'The job\'s latest event id when the stream opened (0: none yet)' }),
    message: Type.String()
  }, { description: 'Right after `connected` when the client\'s Last-Event-ID is beyond the job\'s log (a store that lost events, a stream of another deployment, a job that does not exist yet). Its id is 0, so the client forgets its own; every event follows again from the first, the outcome included. Discard what was kept from this stream.' }),
  heartbeat: Type.Object({ jobId, status: Type.Enum([...JOB_STATUSES, 'waiting']), at }, { description: 'Every HEARTBEAT_SECONDS with nothing else to send.' }),
  complete: Type.Object({ jobId, seq, percent: Type.Literal(100), result: Type.String({ description: 'Path of the result document' }), at }, { description: 'Terminal: the job completed; the response ends.' }),
  failed: Type.Object({
    jobId,
    seq,
    stage: Type.Union([Type.String(), Type.Null()]),
    code: Type.String(),
    message: Type.String({ description: 'What went wrong and what to fix' }),
    location: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'Row, column, page or file concerned' })),
    at
  }, { description: 'Terminal: the job failed; the response ends.' }),
  cancelled: Type.Object({ jobId, seq, message: Type.String(), at }, { description: 'Terminal: the job was cancelled; the response ends.' }),
  interrupted: Type.Object({ jobId, seq, message: Type.String(), at }, { description: 'Terminal: the job was interrupted (restart or stall); the response ends.' }),
  timeout: Type.Object({ jobId, reason: Type.Enum(['job_not_found', 'max_duration']) }, { description: 'The stream gives up and ends; the job is unaffected. Reconnect with Last-Event-ID to resume.' })
} satisfies Record<string, TSchema>

export type StreamEventName = keyof typeof StreamEventData

/** Events that carry an `id:` line (their `seq`). */
const withId = new Set<StreamEventName>(['progress', 'complete', 'failed', 'cancelled', 'interrupted'])

/** One SSE message per event name: `event`, `id` when it has one, and `data` (one line of JSON). */
export const StreamMessage = Type.Union(Object.entries(StreamEventData).map(([name, data]) => Type.Object({
  event: Type.Literal(name),
  ...(withId.has(name as StreamEventName) ? { id: Type.Integer({ minimum: 1 }) } : {}),
  ...(name === 'reset' ? { id: Type.Literal(0) } : {}),
  data
}, { title: name, description: (data as { description?: string }).description })), {
  description: 'The stream starts with `retry: MS`, then sends these messages, each as `event:`, `id:` (where shown) and one `data:` line of JSON.'
})

export const streamExample = [
  'retry: 2000', '',
  'event: connected', 'data: {"jobId":"3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10","status":"queued"}', '',
  'id: 2', 'event: progress',
  'data: {"jobId":"3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10","seq":2,"stage":"validation","stageIndex":1,"stageCount":10,"percent":5,"message":"Validating…","status":"running","phase":"started","at":"2025-03-01T10:00:01.000Z"}', '',
  'event: heartbeat', 'data: {"jobId":"3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10","status":"running","at":"2025-03-01T10:00:16.000Z"}', '',
  'id: 21', 'event: complete',
  'data: {"jobId":"3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10","seq":21,"percent":100,"result":"/api/jobs/3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10/result","at":"2025-03-01T10:00:30.000Z"}', '', ''
].join('\n')
