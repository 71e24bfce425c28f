// @ts-check
/**
 * The intake result: for each document, where it was archived, the fields extracted from it
 * and the text of every page (typed or read by OCR); then any warnings, the form fields sent
 * with the upload, and the row exported. A partial result (saved before a later step failed)
 * shows what was kept.
 */
import { h, replaceChildren } from './dom.js'
import { formatBytes, formatNumber, formatPercent } from './format.js'
import { jobLinks } from './api.js'
import { extractedTable, totalLine } from './intake-fields.js'
import { dataTable, resultSection } from './tables.js'

/** @typedef {import('../../types/contract').IntakeResult} IntakeResult */
/** @typedef {import('../../types/contract').IntakeDocument} IntakeDocument */

const plural = (/** @type {number} */ count, /** @type {string} */ noun) => `${formatNumber(count)} ${noun}${count === 1 ? '' : 's'}`

/**
 * A location is a link when it is a web address (Drive, Sheets), otherwise a path to copy.
 * @param {string} location
 */
function locationElement (location) {
  return /^https?:\/\//.test(location)
    ? h('a', { href: location, rel: 'noopener noreferrer', target: '_blank', text: location })
    : h('code', { class: 'path', text: location })
}

/** @param {IntakeDocument} document */
function pagesList (document) {
  return h('div', { class: 'pages' }, document.pages.map(page => {
    const source = page.skipped
      ? 'skipped'
      : page.source === 'ocr'
        ? `OCR${typeof page.confidence === 'number' ? `, ${formatPercent(page.confidence)} confidence` : ''}${page.dpi ? ` at ${page.dpi} DPI` : ''}`
        : 'text layer'
    return h('details', { class: 'page' }, [
      h('summary', { class: 'page__summary' }, [
        h('span', { text: `Page ${page.number}` }),
        h('span', { class: 'page__source', text: source })
      ]),
      ...(page.warnings ?? []).map(warning => h('p', { class: 'page__warning', text: warning })),
      h('pre', { class: 'page__text', tabindex: 0, text: page.text.trim() || '(no text on this page)' })
    ])
  }))
}

/** @param {IntakeDocument} document */
function documentCard (document) {
  return h('article', { class: 'card document' }, [
    h('h3', { class: 'document__name', text: document.name }),
    h('p', { class: 'document__facts', text: `${document.type} · ${formatBytes(document.bytes)} · ${plural(document.pageCount, 'page')} · SHA-256 ${document.sha256.slice(0, 12)}…` }),
    document.archive
      ? h('p', { class: 'document__archive' }, [`Archived (${document.archive.provider === 'drive' ? 'Google Drive' : 'local'}): `, locationElement(document.archive.location)])
      : h('p', { class: 'document__archive', text: 'Not archived.' }),
    h('h4', { class: 'document__subtitle', text: 'Extracted fields' }),
    totalLine(document),
    extractedTable(document),
    h('h4', { class: 'document__subtitle', text: 'Page text' }),
    pagesList(document)
  ])
}

/** @param {NonNullable<IntakeResult['export']>} exported */
function exportSection (exported) {
  const cells = exported.row.map(cell => typeof cell === 'string' ? cell : JSON.stringify(cell))
  const rows = cells.map((cell, index) => [exported.header?.[index] ?? `Column ${index + 1}`, cell])
  return resultSection('export-heading', 'Export', [
    h('p', {}, [`Written to ${exported.provider === 'sheets' ? 'Google Sheets' : 'a local file'}${exported.range ? ` (${exported.range})` : ''}: `, locationElement(exported.location)]),
    rows.length ? dataTable('The exported row', [{ label: 'Column' }, { label: 'Value' }], rows) : null
  ])
}

/**
 * @param {HTMLElement} container
 * @param {string} jobId
 * @param {IntakeResult} result
 * @param {{ partial?: boolean }} [options] a result kept from a job that failed later on
 */
export function renderIntake (container, jobId, result, { partial = false } = {}) {
  const pages = result.summary?.pages ?? result.documents.reduce((sum, document) => sum + document.pageCount, 0)
  const facts = [plural(result.documents.length, 'document'), plural(pages, 'page'),
    result.summary?.ocrPages ? `${formatNumber(result.summary.ocrPages)} read by OCR` : null,
    result.summary?.skippedPages ? `${formatNumber(result.summary.skippedPages)} skipped` : null].filter(Boolean).join(' · ')
  const fieldRows = Object.entries(result.fields ?? {}).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])
  const warnings = result.warnings ?? []
  replaceChildren(container, [
    h('div', { class: 'card report-summary' }, [
      h('h2', { class: 'section-title', text: partial ? 'What was kept before the failure' : 'Documents processed' }),
      h('p', { class: 'report-summary__facts', text: facts }),
      h('div', { class: 'downloads' }, [
        h('a', { class: 'button button--primary', href: jobLinks(jobId).result, download: `stagecast-${jobId.slice(0, 8)}.json`, text: 'Download JSON' })
      ])
    ]),
    warnings.length
      ? resultSection('intake-warnings-heading', 'Warnings', [h('ul', { class: 'warnings' }, warnings.map(warning => h('li', { class: 'warnings__item' }, [
        h('span', { class: 'warnings__text', text: warning.message }),
        h('span', { class: 'warnings__where', text: warning.page ? `${warning.file}, page ${warning.page}` : warning.file })
      ])))])
      : null,
    resultSection('documents-heading', 'Documents', result.documents.map(documentCard)),
    fieldRows.length ? resultSection('fields-heading', 'Form fields', [dataTable('Form fields sent with the upload', [{ label: 'Field' }, { label: 'Value' }], fieldRows)]) : null,
    result.export ? exportSection(result.export) : null
  ])
}
