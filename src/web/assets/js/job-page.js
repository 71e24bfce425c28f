// @ts-check
/**
 * One job on screen at a time: start it from an upload (the progress stream is opened first,
 * under a client-made id sent as `X-Job-Id`, so no event can be missed), or reopen it from its
 * id; follow its stream; end with its report, or with what went wrong and what to do.
 */
import { ApiError, cancelJob, getJob, uploadJob } from './api.js'
import { byId } from './dom.js'
import { pipelineLabel } from './format.js'
import { createJobEnding } from './job-ending.js'
import { createJobHeader } from './job-header.js'
import { applyStreamEvent, isFinished, mergeSnapshot, waitingJob } from './job-state.js'
import { followJob } from './job-stream.js'
import { describeEnding, expired, neverArrived } from './outcomes.js'

/** @typedef {import('./upload-view.js').UploadRequest} UploadRequest */
/** @typedef {import('./job-state.js').JobView} JobView */
/** @typedef {import('./outcomes.js').OutcomeText} OutcomeText */
/** @typedef {import('../../types/contract').StreamEvent} StreamEvent */
/**
 * @typedef {{ id: string, view: JobView, request: UploadRequest | null, uploading: boolean,
 *   snapshotRequested: boolean, stream: { close: () => void } | null, uploadAbort: AbortController }} Session
 */

const STREAM_OPEN_WAIT_MS = 3000

/**
 * @param {{
 *   progress: ReturnType<typeof import('./progress-view.js').createProgressView>,
 *   onUploadRejected: (message: string) => void,
 *   onJobListChanged: () => void,
 *   onJobProgress: (id: string, status: string, percent: number) => void,
 *   goHome: () => void
 * }} deps
 */
export function createJobPage ({ progress, onUploadRejected, onJobListChanged, onJobProgress, goHome }) {
  const panel = byId('job-panel', HTMLElement)
  const header = createJobHeader()
  const resultView = byId('result-view', HTMLElement)

  /** @type {Session | null} */
  let session = null

  /** @param {Session} s */
  const isCurrent = (s) => session === s

  /** @param {Session} s */
  const render = (s) => {
    progress.render(s.view)
    header.render(s.view)
    onJobProgress(s.id, s.view.status, s.view.percent)
  }

  const ending = createJobEnding({
    progress,
    resultView,
    isShowing: (jobId) => session?.id === jobId,
    runAgain: (request) => { startUpload(request) },
    goHome
  })

  /**
   * @param {Session} s
   * @param {OutcomeText} text
   */
  const showOutcome = (s, text) => {
    ending.showOutcome(s.view, s.request, text)
    header.cancelButton.hidden = true
  }

  /** Fetches the job's snapshot once, for its stage titles and anything the stream has not said yet. */
  const requestSnapshot = async (/** @type {Session} */ s) => {
    if (s.snapshotRequested) return
    s.snapshotRequested = true
    try {
      const job = await getJob(s.id)
      if (!isCurrent(s)) return
      s.view = mergeSnapshot(s.view, job)
      render(s)
    } catch {
      s.snapshotRequested = false
    }
  }

  /**
   * @param {Session} s
   * @param {StreamEvent} event
   */
  const onStreamEvent = (s, event) => {
    if (!isCurrent(s)) return
    if (event.type === 'timeout') return showOutcome(s, neverArrived())
    if (event.type === 'expired') return showOutcome(s, expired(event.data.message))
    s.view = applyStreamEvent(s.view, event)
    render(s)
    const exists = event.type !== 'heartbeat' && (event.type !== 'connected' || event.data.status !== 'waiting')
    if (exists && !isFinished(s.view.status)) requestSnapshot(s)
    if (event.type === 'complete') ending.showResult(s.id)
    else if (event.type === 'failed' || event.type === 'cancelled' || event.type === 'interrupted') showOutcome(s, describeEnding(s.view, { canRunAgain: s.request !== null }))
    if (event.type === 'failed') ending.showPartialResult(s.view)
    if (isFinished(s.view.status)) onJobListChanged()
  }

  /**
   * Follows the job's stream; resolves once the server has answered it (`connected`).
   * @param {Session} s
   * @returns {Promise<void>}
   */
  const follow = (s) => new Promise(resolve => {
    s.stream = followJob(s.id, {
      onEvent: (event) => onStreamEvent(s, event),
      onConnection: (state) => {
        if (state === 'open') resolve()
        if (isCurrent(s) && !isFinished(s.view.status)) progress.setConnection(state)
      },
      keepWaiting: () => s.uploading
    })
  })

  /**
   * @param {string} id
   * @param {UploadRequest | null} request
   * @returns {Session}
   */
  const begin = (id, request) => {
    leave()
    const s = { id, view: waitingJob(id, request?.effectivePipeline ?? null), request, uploading: false, snapshotRequested: false, stream: null, uploadAbort: new AbortController() }
    session = s
    progress.reset()
    resultView.replaceChildren()
    panel.hidden = false
    header.setCancelling(false)
    return s
  }

  function leave () {
    header.clear()
    if (!session) return
    session.stream?.close()
    session.uploadAbort.abort()
    session = null
    panel.hidden = true
  }

  /** @param {UploadRequest} request */
  async function startUpload (request) {
    const s = begin(crypto.randomUUID(), request)
    header.setName(request.files.map(file => file.name).join(', '))
    render(s)
    header.focus()
    s.uploading = true
    progress.setUpload(0, request.files.reduce((sum, file) => sum + file.size, 0))
    // The stream is open before the upload starts, so not even the first event is replayed
    // late; if the stream cannot connect quickly, upload anyway: the replay covers it.
    await Promise.race([follow(s), new Promise(resolve => setTimeout(resolve, STREAM_OPEN_WAIT_MS))])
    if (!isCurrent(s)) return
    try {
      const reply = await uploadJob({
        jobId: s.id,
        files: request.files,
        pipeline: request.pipeline,
        fields: request.fields,
        signal: s.uploadAbort.signal,
        onUploadProgress: (loaded, total) => { if (isCurrent(s)) progress.setUpload(loaded, total) }
      })
      s.uploading = false
      if (!isCurrent(s)) return
      s.view = { ...s.view, pipeline: reply.pipeline, createdAt: s.view.createdAt ?? reply.createdAt }
      header.render(s.view)
      history.pushState(null, '', `#/jobs/${s.id}`)
      onJobListChanged()
    } catch (error) {
      s.uploading = false
      if (!isCurrent(s)) return
      leave()
      const cancelled = error instanceof ApiError && error.code === 'upload_aborted'
      onUploadRejected(cancelled ? 'The upload was cancelled; nothing was processed.' : error instanceof Error ? error.message : String(error))
    }
  }

  /** @param {string} id */
  async function open (id) {
    const s = begin(id, null)
    header.setName('Loading job…')
    render(s)
    try {
      const job = await getJob(id)
      if (!isCurrent(s)) return
      s.snapshotRequested = true
      s.view = mergeSnapshot(s.view, job)
      header.setName(job.files?.map(file => file.name).join(', ') || pipelineLabel(job.pipeline))
      render(s)
      if (job.status === 'completed') {
        ending.showResult(s.id)
      } else if (isFinished(job.status)) {
        showOutcome(s, describeEnding(s.view, { canRunAgain: false }))
        if (job.status === 'failed') ending.showPartialResult(s.view)
      } else {
        follow(s)
      }
    } catch (error) {
      if (!isCurrent(s)) return
      header.setName('Job not available')
      const message = error instanceof Error ? error.message : String(error)
      if (error instanceof ApiError && error.status === 410) return showOutcome(s, expired(message))
      const missing = error instanceof ApiError && error.status === 404
      progress.showOutcome({
        tone: missing ? 'info' : 'error',
        title: missing ? 'There is no job with this id' : 'The job could not be loaded',
        message,
        advice: missing ? 'Check the link, or pick a job from the recent jobs list.' : 'Check your connection and reload the page.',
        actions: [{ label: 'Start a new upload', primary: true, onSelect: goHome }]
      })
      header.cancelButton.hidden = true
    }
  }

  header.cancelButton.addEventListener('click', async () => {
    const s = session
    if (!s) return
    if (s.uploading) return s.uploadAbort.abort()
    // DELETE on a finished job removes its data: never send it for one that has just ended.
    if (isFinished(s.view.status)) return
    header.setCancelling(true)
    try {
      await cancelJob(s.id)
    } catch (error) {
      if (!isCurrent(s)) return
      header.setCancelling(false)
      progress.setNotice(`The job could not be cancelled: ${error instanceof Error ? error.message : String(error)}`)
    }
  })

  return {
    startUpload,
    open,
    leave,
    currentId: () => session?.id ?? null
  }
}
