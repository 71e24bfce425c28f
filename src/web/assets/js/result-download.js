// @ts-check
/** The result of a pipeline this page has no view for: offered as the JSON document it is. */
import { jobLinks } from './api.js'
import { h, replaceChildren } from './dom.js'

/**
 * @param {HTMLElement} container
 * @param {string} jobId
 */
export function renderDownloadOnly (container, jobId) {
  replaceChildren(container, [
    h('div', { class: 'card report-summary' }, [
      h('h2', { class: 'section-title', text: 'Result ready' }),
      h('p', { class: 'report-summary__facts', text: 'This page has no view for this kind of result; it is available as a JSON document.' }),
      h('div', { class: 'downloads' }, [
        h('a', { class: 'button button--primary', href: jobLinks(jobId).result, download: `stagecast-${jobId.slice(0, 8)}.json`, text: 'Download JSON' })
      ])
    ])
  ])
}
