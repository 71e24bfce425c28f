// @ts-check
/**
 * Follows one job's progress stream (`/api/progress/{id}`) without losing or repeating events.
 *
 * EventSource reconnects by itself after a dropped connection and sends `Last-Event-ID`, but it
 * gives up for good on an HTTP error, such as the 503 of a server that is restarting. Then this
 * opens a new one after a backoff with `?lastEventId=` set to the last event seen, so the server
 * replays what was missed. Events at or below that sequence number are dropped, so a replay can
 * never apply twice — unless the server sends `reset` (that id is beyond the job's log), after
 * which every event comes again from the first. The EventSource is closed on every terminal event.
 */
import { ApiError, getJob, jobLinks } from './api.js'

/** @typedef {import('../../types/contract').StreamEvent} StreamEvent */
/** @typedef {'connecting' | 'open' | 'reconnecting' | 'closed'} ConnectionState */

const TERMINAL = new Set(['complete', 'failed', 'cancelled', 'interrupted'])
const EVENT_NAMES = ['connected', 'reset', 'heartbeat', 'progress', 'complete', 'failed', 'cancelled', 'interrupted', 'timeout']
/** With heartbeats every 15 s by default, this long without any event means the stream is stuck. */
const SILENCE_LIMIT_MS = 45_000
const MAX_BACKOFF_MS = 10_000

/**
 * @param {string} jobId
 * @param {{
 *   onEvent: (event: StreamEvent) => void,
 *   onConnection: (state: ConnectionState) => void,
 *   keepWaiting?: () => boolean
 * }} handlers `keepWaiting` says whether a job that does not exist yet is still expected
 *   (its upload is in flight), in which case a `job_not_found` timeout reopens the stream.
 * @returns {{ close: () => void }}
 */
export function followJob (jobId, { onEvent, onConnection, keepWaiting = () => false }) {
  let lastSeq = 0
  let closed = false
  let failures = 0
  /** @type {EventSource | null} */
  let source = null
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let silenceTimer

  const close = () => {
    closed = true
    clearTimeout(retryTimer)
    clearTimeout(silenceTimer)
    source?.close()
    source = null
    onConnection('closed')
  }

  const resetSilenceTimer = () => {
    clearTimeout(silenceTimer)
    silenceTimer = setTimeout(() => reopen(0), SILENCE_LIMIT_MS)
  }

  /** @param {number} delayMs */
  const reopen = (delayMs) => {
    source?.close()
    source = null
    clearTimeout(retryTimer)
    if (closed) return
    onConnection('reconnecting')
    retryTimer = setTimeout(open, delayMs)
  }

  /** Decides, after the browser gave up, whether retrying can help (it cannot for a removed job). */
  const recoverFromClosedStream = async () => {
    failures++
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 5))
    try {
      await getJob(jobId)
    } catch (error) {
      if (closed) return
      if (error instanceof ApiError && error.status === 410) {
        onEvent({ type: 'expired', data: { jobId, message: error.message } })
        close()
        return
      }
    }
    reopen(delay)
  }

  /**
   * @param {string} type
   * @param {MessageEvent} message
   */
  const handle = (type, message) => {
    if (closed) return
    resetSilenceTimer()
    /** @type {any} -- parsed JSON from the server; its shape per event name is in contract.d.ts */
    let data
    try {
      data = JSON.parse(message.data)
    } catch {
      return
    }
    if (type === 'reset') {
      // Our last id is beyond the job's log (a server that lost events): everything follows again
      // from the first event, so forget the id or the replay would be dropped as already seen.
      lastSeq = 0
      return
    }
    if (typeof data?.seq === 'number') {
      if (data.seq <= lastSeq) return
      lastSeq = data.seq
    }
    if (type === 'connected') {
      failures = 0
      onConnection('open')
    }
    if (type === 'timeout') {
      if (data.reason === 'max_duration' || keepWaiting()) {
        reopen(0)
        return
      }
      onEvent({ type: 'timeout', data })
      close()
      return
    }
    onEvent(/** @type {StreamEvent} */ ({ type, data }))
    if (TERMINAL.has(type)) close()
  }

  const open = () => {
    if (closed) return
    const url = new URL(jobLinks(jobId).events, location.href)
    if (lastSeq > 0) url.searchParams.set('lastEventId', String(lastSeq))
    const stream = new EventSource(url)
    source = stream
    for (const name of EVENT_NAMES) stream.addEventListener(name, (message) => handle(name, message))
    stream.addEventListener('error', () => {
      if (closed || source !== stream) return
      if (stream.readyState === EventSource.CLOSED) {
        onConnection('reconnecting')
        recoverFromClosedStream()
      } else {
        // The browser retries by itself and sends Last-Event-ID.
        onConnection('reconnecting')
      }
    })
    resetSilenceTimer()
  }

  onConnection('connecting')
  open()
  return { close }
}
