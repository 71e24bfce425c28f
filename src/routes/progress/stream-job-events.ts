/**
 * Feeds one SSE connection from a job's event log: replay of everything after the client's
 * last event id, then live events as the store appends them — in order, without duplicates,
 * without a polling interval. Also the stream's own clock: named heartbeats while idle, the
 * wait for a job that does not exist yet, and the maximum stream duration.
 */
import { isTerminalEvent, type JobEvent, type JobStatus } from '../../jobs/model.ts'
import { toStreamEvent } from '../../jobs/public-view.ts'
import type { JobStore } from '../../jobs/store/types.ts'
import type { SseConnection } from '../../sse/connection.ts'
import { formatSseMessage } from '../../sse/format.ts'

export interface StreamJobEventsOptions {
  jobId: string
  /** Send only events with a greater sequence number (the client's Last-Event-ID, or 0). */
  afterSeq: number
  /**
   * Set when the client's Last-Event-ID is beyond the job's log: the stream then sends `reset`
   * (id 0, so the client forgets its id) before replaying from the first event.
   */
  resetFrom?: { lastEventId: number, latestEventId: number } | undefined
  /** The job's status when the stream opened, or `waiting` when it does not exist yet. */
  status: JobStatus | 'waiting'
  events: Pick<JobStore, 'readEventsAfter' | 'subscribe'>
  connection: SseConnection
  retryMs: number
  heartbeatMs: number
  waitTimeoutMs: number
  maxDurationMs: number
}

const terminalStatus = { complete: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' } as const

/**
 * The store hands every subscriber of a job the same event object, so the frame is built once
 * per event, not once per stream: with thousands of streams on one job this is most of the work.
 */
const frames = new WeakMap<JobEvent, string>()
function frameOf (jobId: string, event: JobEvent): string {
  let frame = frames.get(event)
  if (frame === undefined) {
    const { name, data } = toStreamEvent(jobId, event)
    frame = formatSseMessage({ event: name, id: event.seq, data: JSON.stringify(data) })
    frames.set(event, frame)
  }
  return frame
}

export async function streamJobEvents (options: StreamJobEventsOptions): Promise<void> {
  const { jobId, events: store, connection } = options
  let lastSentSeq = options.afterSeq
  let status = options.status
  let replaying = true
  const arrivedDuringReplay: JobEvent[] = []

  const send = (event: string, data: unknown) => connection.send({ event, data: JSON.stringify(data) })

  // One timer per stream, pushed back after every message: `refresh()` re-arms it in place, where
  // clearTimeout + setTimeout would make a new timer object per stream for every event fanned out.
  let heartbeatTimer: NodeJS.Timeout | undefined
  const scheduleHeartbeat = () => {
    if (heartbeatTimer) heartbeatTimer.refresh()
    else heartbeatTimer = setTimeout(beat, options.heartbeatMs)
  }
  const beat = () => {
    if (send('heartbeat', { jobId, status, at: new Date().toISOString() })) scheduleHeartbeat()
  }

  const giveUp = (reason: 'job_not_found' | 'max_duration') => {
    send('timeout', { jobId, reason })
    connection.end()
  }
  const waitTimer = status === 'waiting' ? setTimeout(giveUp, options.waitTimeoutMs, 'job_not_found') : undefined
  const maxDurationTimer = setTimeout(giveUp, options.maxDurationMs, 'max_duration')

  function deliver (event: JobEvent) {
    if (event.seq <= lastSentSeq || connection.closed) return
    lastSentSeq = event.seq
    clearTimeout(waitTimer)
    status = event.type === 'progress' ? event.status : terminalStatus[event.type]
    if (isTerminalEvent(event)) connection.endWith(frameOf(jobId, event))
    else if (connection.sendFrame(frameOf(jobId, event))) scheduleHeartbeat()
  }

  // Subscribe before reading the backlog so nothing appended in between can fall through.
  const unsubscribe = store.subscribe(jobId, event => {
    if (replaying) arrivedDuringReplay.push(event)
    else deliver(event)
  })
  connection.onClose(() => {
    unsubscribe()
    clearTimeout(heartbeatTimer)
    clearTimeout(waitTimer)
    clearTimeout(maxDurationTimer)
  })

  connection.send({ retry: options.retryMs })
  send('connected', { jobId, status })
  if (options.resetFrom) {
    const { lastEventId, latestEventId } = options.resetFrom
    connection.send({
      event: 'reset',
      id: 0,
      data: JSON.stringify({
        jobId,
        lastEventId,
        latestEventId,
        message: `Event ${lastEventId} is beyond this job's latest event (${latestEventId}); its events follow again from the first. Discard what you kept from this stream.`
      })
    })
  }
  scheduleHeartbeat()
  try {
    for (const event of await store.readEventsAfter(jobId, lastSentSeq)) deliver(event)
    for (const event of arrivedDuringReplay.splice(0)) deliver(event)
  } catch {
    // The store could not be read (e.g. Redis went away): end the stream so EventSource
    // reconnects with its Last-Event-ID and resumes where it was, rather than hang silent.
    connection.end()
  } finally {
    replaying = false
  }
}
