// @ts-check
/**
 * How a job's page ends: its result drawn below the progress (report, intake, or a plain JSON
 * download), or what went wrong with the actions that help — run the same file again when the
 * page still has it and the file was not the problem, choose a corrected file when it was.
 */
import { getResult } from './api.js'
import { renderIntake } from './intake-view.js'
import { renderReport } from './report-view.js'
import { renderDownloadOnly } from './result-download.js'

/** @typedef {import('./job-state.js').JobView} JobView */
/** @typedef {import('./outcomes.js').OutcomeText} OutcomeText */
/** @typedef {import('./upload-view.js').UploadRequest} UploadRequest */

/**
 * @param {{
 *   progress: ReturnType<typeof import('./progress-view.js').createProgressView>,
 *   resultView: HTMLElement,
 *   isShowing: (jobId: string) => boolean,
 *   runAgain: (request: UploadRequest) => void,
 *   goHome: () => void
 * }} deps
 */
export function createJobEnding ({ progress, resultView, isShowing, runAgain, goHome }) {
  /**
   * @param {JobView} view
   * @param {UploadRequest | null} request the upload, while the page still has its files
   * @param {OutcomeText} text
   */
  const showOutcome = (view, request, text) => {
    const inputProblem = view.status === 'failed' && view.error?.code !== 'internal_error'
    /** @type {import('./progress-view.js').OutcomeAction[]} */
    const actions = []
    if (request && !inputProblem && view.status !== 'cancelled') actions.push({ label: 'Run it again', primary: true, onSelect: () => runAgain(request) })
    actions.push({ label: inputProblem ? 'Choose a corrected file' : 'Start a new upload', primary: actions.length === 0, onSelect: goHome })
    progress.showOutcome({ ...text, actions })
  }

  /** @param {string} jobId */
  const showResult = async (jobId) => {
    try {
      const result = await getResult(jobId)
      if (!isShowing(jobId)) return
      if (result.pipeline === 'intake') renderIntake(resultView, jobId, result)
      else if (result.pipeline === 'report') renderReport(resultView, jobId, result)
      else renderDownloadOnly(resultView, jobId)
      progress.setNotice(null)
      progress.showOutcome(null)
    } catch (error) {
      if (!isShowing(jobId)) return
      progress.showOutcome({
        tone: 'error',
        title: 'The result could not be loaded',
        message: error instanceof Error ? error.message : String(error),
        advice: 'The job completed; try loading its result again.',
        actions: [{ label: 'Load the result again', primary: true, onSelect: () => { showResult(jobId) } }]
      })
    }
  }

  /**
   * A failed intake job may have kept what it extracted before the failing step (e.g. an
   * export to Google that was refused); the server serves that as a partial result.
   * @param {JobView} view
   */
  const showPartialResult = async (view) => {
    if (view.pipeline !== 'intake') return
    try {
      const result = await getResult(view.id)
      if (isShowing(view.id) && result.pipeline === 'intake') renderIntake(resultView, view.id, result, { partial: true })
    } catch {
      // Nothing was kept: the failure message says it all.
    }
  }

  return { showOutcome, showResult, showPartialResult }
}
