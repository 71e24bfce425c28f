// @ts-check
/**
 * The job's heading: its file name, pipeline, short id and age, whether it can still be
 * cancelled, and the browser tab's title (its percent, or how it ended, for people who
 * switched to another tab).
 */
import { byId } from './dom.js'
import { formatWhen, pipelineLabel } from './format.js'
import { isFinished } from './job-state.js'

/** @typedef {import('./job-state.js').JobView} JobView */

/** @param {JobView} view */
function tabTitlePrefix (view) {
  if (view.status === 'running' || view.status === 'queued') return `${Math.round(view.percent)}% · `
  if (view.status === 'completed') return '✓ '
  if (view.status === 'failed' || view.status === 'interrupted') return '⚠ '
  return ''
}

export function createJobHeader () {
  const title = byId('job-title', HTMLElement)
  const eyebrow = byId('job-pipeline', HTMLElement)
  const meta = byId('job-meta', HTMLElement)
  const cancelButton = byId('cancel-button', HTMLButtonElement)

  return {
    cancelButton,

    /** @param {string} name */
    setName (name) {
      title.textContent = name
    },

    /** @param {JobView} view */
    render (view) {
      document.title = `${tabTitlePrefix(view)}${title.textContent} — stagecast`
      eyebrow.textContent = view.pipeline ? pipelineLabel(view.pipeline) : ''
      meta.textContent = [`Job ${view.id.slice(0, 8)}`, view.createdAt ? `started ${formatWhen(view.createdAt)}` : null].filter(Boolean).join(' · ')
      cancelButton.hidden = isFinished(view.status)
    },

    /** Puts keyboard and screen-reader focus on the job, when it replaces the form. */
    focus () {
      title.focus()
    },

    /** @param {boolean} pending */
    setCancelling (pending) {
      cancelButton.disabled = pending
      cancelButton.textContent = pending ? 'Cancelling…' : 'Cancel job'
    },

    clear () {
      document.title = 'stagecast'
    }
  }
}
