// @ts-check
/**
 * The page's picture of one job: a snapshot from `GET /api/jobs/{id}`, moved forward by stream
 * events. It mirrors the server's reducer (src/jobs/model.ts) with one extra guard: a stage
 * never moves backwards, so a snapshot fetched while older events are still being replayed
 * cannot make a finished stage look unfinished.
 */

/** @typedef {import('../../types/contract').PublicJob} PublicJob */
/** @typedef {import('../../types/contract').StreamEvent} StreamEvent */
/** @typedef {import('../../types/contract').StageStatus} StageStatus */
/** @typedef {import('../../types/contract').JobStatus} JobStatus */
/** @typedef {{ name: string, title: string | null, status: StageStatus, startedAt: string | null, finishedAt: string | null }} StageView */
/**
 * @typedef {{
 *   id: string, pipeline: string | null, status: JobStatus | 'waiting', percent: number, message: string,
 *   stages: StageView[], error: { code: string, message: string, stage: string | null, location?: Record<string, string | number> } | null,
 *   createdAt: string | null
 * }} JobView
 */

/** @type {Record<StageStatus, number>} */
const stageRank = { pending: 0, running: 1, completed: 2, failed: 2, cancelled: 2, interrupted: 2 }

/**
 * @param {string} id
 * @param {string | null} pipeline
 * @returns {JobView}
 */
export function waitingJob (id, pipeline) {
  return { id, pipeline, status: 'waiting', percent: 0, message: 'Waiting for the upload…', stages: [], error: null, createdAt: null }
}

/**
 * @param {StageView} stage
 * @param {Partial<StageView>} change
 */
function advanceStage (stage, change) {
  if (change.title) stage.title = change.title
  if (change.status && stageRank[change.status] < stageRank[stage.status]) return
  if (change.status) stage.status = change.status
  if (change.startedAt) stage.startedAt ??= change.startedAt
  if (change.finishedAt) stage.finishedAt ??= change.finishedAt
}

/**
 * Folds a server snapshot into the view, keeping whatever the view already knows that is newer.
 * @param {JobView} view
 * @param {PublicJob} job
 * @returns {JobView}
 */
export function mergeSnapshot (view, job) {
  const next = { ...view, stages: view.stages.map(stage => ({ ...stage })) }
  next.pipeline = job.pipeline
  next.createdAt = job.createdAt
  const viewIsFinal = next.status !== 'waiting' && next.status !== 'queued' && next.status !== 'running'
  if (!viewIsFinal) {
    next.status = job.status
    if (job.percent >= next.percent) {
      next.percent = job.percent
      next.message = job.message
    }
    next.error = job.error
  }
  job.stages.forEach((stage, index) => {
    const known = next.stages[index] ?? { name: stage.name, title: null, status: 'pending', startedAt: null, finishedAt: null }
    known.name = stage.name
    advanceStage(known, { status: stage.status, title: stage.title ?? null, startedAt: stage.startedAt, finishedAt: stage.finishedAt })
    next.stages[index] = known
  })
  return next
}

/**
 * @param {JobView} view
 * @param {number} count
 */
function ensureStages (view, count) {
  for (let index = view.stages.length; index < count; index++) {
    view.stages.push({ name: '', title: null, status: 'pending', startedAt: null, finishedAt: null })
  }
}

/**
 * @param {JobView} view
 * @param {StageStatus} endedAs
 * @param {string | undefined} at
 */
function endRunningStages (view, endedAs, at) {
  for (const stage of view.stages) {
    if (stage.status === 'running') {
      stage.status = endedAs
      stage.finishedAt ??= at ?? null
    }
  }
}

/**
 * The view after one stream event.
 * @param {JobView} view
 * @param {StreamEvent} event
 * @returns {JobView}
 */
export function applyStreamEvent (view, event) {
  const next = { ...view, stages: view.stages.map(stage => ({ ...stage })) }
  switch (event.type) {
    case 'connected':
      if (event.data.status !== 'waiting' && next.status === 'waiting') next.status = event.data.status
      return next
    case 'progress': {
      const data = event.data
      next.status = data.status
      next.percent = Math.max(next.percent, data.percent)
      next.message = data.message
      ensureStages(next, data.stageCount)
      if (data.phase === 'queued' || data.status === 'queued') return next
      next.stages.forEach((stage, index) => {
        if (index < data.stageIndex) advanceStage(stage, { status: 'completed', finishedAt: data.at })
      })
      const current = next.stages[data.stageIndex]
      if (current) {
        current.name ||= data.stage
        advanceStage(current, {
          status: data.phase === 'finished' ? 'completed' : 'running',
          title: data.title ?? null,
          startedAt: data.at,
          finishedAt: data.phase === 'finished' ? data.at : undefined
        })
      }
      return next
    }
    case 'complete':
      next.status = 'completed'
      next.percent = 100
      next.message = 'Completed'
      for (const stage of next.stages) advanceStage(stage, { status: 'completed', finishedAt: event.data.at ?? new Date().toISOString() })
      return next
    case 'failed': {
      const { stage, code, message, location } = event.data
      next.status = 'failed'
      next.message = message
      next.error = { code, message, stage, ...(location ? { location } : {}) }
      endRunningStages(next, 'failed', event.data.at)
      const failed = next.stages.find(candidate => candidate.name === stage)
      if (failed) failed.status = 'failed'
      return next
    }
    case 'cancelled':
    case 'interrupted':
      next.status = event.type
      next.message = event.data.message
      next.error = { code: event.type, message: event.data.message, stage: null }
      endRunningStages(next, event.type, event.data.at)
      return next
    default:
      return next
  }
}

/** @param {JobView['status']} status */
export const isFinished = (status) => status === 'completed' || status === 'failed' || status === 'cancelled' || status === 'interrupted'
