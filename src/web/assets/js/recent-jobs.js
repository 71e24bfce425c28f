// @ts-check
/**
 * The recent-jobs list from `GET /api/jobs`. Each entry links to `#/jobs/{id}`, which reopens
 * the job's report, or its live progress while it runs.
 */
import { byId, h, replaceChildren } from './dom.js'
import { formatWhen, pipelineLabel } from './format.js'
import { listJobs } from './api.js'

/** @typedef {import('../../types/contract').PublicJob} PublicJob */

const LIMIT = 20

/** @type {Record<string, string>} */
const statusText = { queued: 'Queued', running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' }

/**
 * @param {string} status
 * @param {number} percent
 */
function statusBadge (status, percent) {
  const running = status === 'running' || status === 'queued'
  return h('span', { class: `status status--${status}`, text: running ? `${statusText[status]} · ${Math.round(percent)}%` : statusText[status] ?? status })
}

/**
 * @param {PublicJob} job
 * @param {string | null} activeId
 */
function entry (job, activeId) {
  const name = job.files?.map(file => file.name).join(', ') || pipelineLabel(job.pipeline)
  const link = h('a', { class: 'recent__link', href: `#/jobs/${job.id}`, 'aria-current': job.id === activeId ? 'page' : null }, [
    h('span', { class: 'recent__name', text: name }),
    h('span', { class: 'recent__meta' }, [
      statusBadge(job.status, job.percent),
      h('span', { class: 'recent__when', text: `${pipelineLabel(job.pipeline)} · ${formatWhen(job.createdAt)}` })
    ])
  ])
  return h('li', { class: 'recent__item' }, [link])
}

export function createRecentJobs () {
  const list = byId('recent-list', HTMLOListElement)
  const status = byId('recent-status', HTMLElement)
  const refreshButton = byId('recent-refresh', HTMLButtonElement)
  /** @type {string | null} */
  let activeId = null
  let loading = false

  const refresh = async () => {
    if (loading) return
    loading = true
    refreshButton.disabled = true
    try {
      const jobs = await listJobs(LIMIT)
      replaceChildren(list, jobs.map(job => entry(job, activeId)))
      status.textContent = jobs.length === 0 ? 'No jobs yet. Upload a file to start one.' : ''
    } catch (error) {
      status.textContent = `Recent jobs could not be loaded: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      loading = false
      refreshButton.disabled = false
    }
  }

  refreshButton.addEventListener('click', () => { refresh() })
  return {
    refresh,
    /**
     * Keeps the open job's entry in step with its live progress, between refreshes.
     * @param {string} id
     * @param {string} status
     * @param {number} percent
     */
    showLive (id, status, percent) {
      if (status === 'waiting') return
      const badge = list.querySelector(`a.recent__link[href="#/jobs/${CSS.escape(id)}"] .status`)
      badge?.replaceWith(statusBadge(status, percent))
    },
    /** @param {string | null} id */
    setActive (id) {
      activeId = id
      for (const link of list.querySelectorAll('a.recent__link')) {
        if (link.getAttribute('href') === `#/jobs/${id}`) link.setAttribute('aria-current', 'page')
        else link.removeAttribute('aria-current')
      }
    }
  }
}
