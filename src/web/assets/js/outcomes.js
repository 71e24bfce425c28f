// @ts-check
/**
 * What the page says when a job does not complete: a plain title, the server's own message
 * (written to say what is wrong), and what the person can do about it.
 */
import { humanize } from './format.js'

/** @typedef {import('./job-state.js').JobView} JobView */
/** @typedef {{ tone: 'error' | 'warning' | 'info', title: string, message: string, advice: string }} OutcomeText */

/**
 * "row 17, column “date”": where in the input the problem is, when the server says.
 * @param {Record<string, string | number> | undefined} location
 */
function describeLocation (location) {
  if (!location) return ''
  const parts = Object.entries(location).map(([key, value]) =>
    typeof value === 'number' ? `${humanize(key).toLowerCase()} ${value}` : `${humanize(key).toLowerCase()} “${value}”`)
  return parts.length ? ` (${parts.join(', ')})` : ''
}

/**
 * @param {JobView} view a job whose status is failed, cancelled or interrupted
 * @param {{ canRunAgain: boolean }} options whether the page still has the file to send again
 * @returns {OutcomeText}
 */
export function describeEnding (view, { canRunAgain }) {
  const error = view.error
  if (view.status === 'failed') {
    const stage = view.stages.find(candidate => candidate.name === error?.stage)
    const stageName = stage?.title ?? (error?.stage ? humanize(error.stage) : null)
    const serverSide = error?.code === 'internal_error'
    return {
      tone: 'error',
      title: stageName ? `The job failed while ${stageName.toLowerCase()}` : 'The job failed',
      message: `${error?.message ?? view.message}${describeLocation(error?.location)}`,
      advice: serverSide
        ? `This is a problem on the server, not in your file. Try again; if it keeps failing, give the operator the job id ${view.id}.`
        : 'Correct the file as described above and upload it again.'
    }
  }
  if (view.status === 'cancelled') {
    return {
      tone: 'info',
      title: 'The job was cancelled',
      message: view.message || 'Processing stopped at your request.',
      advice: 'Nothing more will run for this job. Start a new upload whenever you are ready.'
    }
  }
  return {
    tone: 'warning',
    title: 'Processing was interrupted',
    message: view.message || 'The server stopped (a restart or a crash) before the job finished.',
    advice: canRunAgain
      ? 'Nothing of this run was kept. “Run it again” sends the same file and starts from the beginning.'
      : 'Nothing of this run was kept. Upload the file again to run it from the start.'
  }
}

/** @returns {OutcomeText} */
export const neverArrived = () => ({
  tone: 'warning',
  title: 'The upload never reached the server',
  message: 'The server waited for this job, but its upload did not arrive.',
  advice: 'Check your connection and upload the file again.'
})

/** @param {string} message @returns {OutcomeText} */
export const expired = (message) => ({
  tone: 'info',
  title: 'This job has expired',
  message,
  advice: 'Finished jobs are kept for a limited time. Upload the file again to produce a new result.'
})
