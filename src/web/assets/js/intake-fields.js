// @ts-check
/**
 * The fields extracted from one document (src/pipelines/intake/fields/types.ts): each with its
 * normalised value, the text as printed, and its page, so a person can check it against the
 * document; and the amount the document labels as its total.
 */
import { h } from './dom.js'
import { formatNumber, humanize } from './format.js'
import { dataTable } from './tables.js'

/** @typedef {import('../../types/contract').IntakeDocument} IntakeDocument */

/** @type {Record<string, string>} */
const kindLabels = {
  emails: 'Email',
  phones: 'Phone',
  dates: 'Date',
  amounts: 'Amount',
  ibans: 'IBAN',
  invoiceNumbers: 'Invoice number',
  accountNumbers: 'Account number',
  otherIdentifiers: 'Reference'
}

/**
 * @param {number} value
 * @param {string | null} currency ISO 4217
 */
function formatAmount (value, currency) {
  if (!currency) return formatNumber(value)
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value)
  } catch {
    return `${currency} ${formatNumber(value)}`
  }
}

/**
 * @param {unknown} item
 * @returns {{ value: string, printed: string, page: number | null }}
 */
function readItem (item) {
  if (item === null || typeof item !== 'object') return { value: String(item), printed: '', page: null }
  const record = /** @type {Record<string, unknown>} */ (item)
  const currency = typeof record.currency === 'string' ? record.currency : null
  let value = typeof record.value === 'number' ? formatAmount(record.value, currency) : String(record.value ?? '')
  if (record.ambiguous === true) value += ' (day/month order inferred)'
  const label = typeof record.label === 'string' ? record.label : ''
  const text = typeof record.text === 'string' ? record.text : String(record.value ?? '')
  return { value, printed: label ? `${label} ${text}` : text, page: typeof record.page === 'number' ? record.page : null }
}

/** @param {IntakeDocument} document */
export function extractedTable (document) {
  /** @type {Array<Array<import('./dom.js').Child>>} */
  const rows = []
  for (const [kind, items] of Object.entries(document.extracted ?? {})) {
    // `total` repeats the amount marked as the total, which the amounts already list.
    if (kind === 'total' || !Array.isArray(items)) continue
    for (const item of items) {
      const { value, printed, page } = readItem(item)
      const isTotal = item !== null && typeof item === 'object' && /** @type {Record<string, unknown>} */ (item).total === true
      rows.push([kindLabels[kind] ?? humanize(kind), isTotal ? `${value} (total)` : value, printed, page === null ? '—' : String(page)])
    }
  }
  if (rows.length === 0) return h('p', { class: 'section-intro', text: 'No fields were found in this document.' })
  return dataTable(`Fields extracted from ${document.name}`, [{ label: 'Field', nowrap: true }, { label: 'Value' }, { label: 'As printed' }, { label: 'Page', numeric: true }], rows)
}

/** @param {IntakeDocument} document */
export function totalLine (document) {
  const total = document.extracted?.total
  if (!total || typeof total !== 'object') return null
  const { value, page } = readItem(total)
  return h('p', { class: 'document__total' }, [
    h('span', { class: 'document__total-label', text: 'Total to pay: ' }),
    `${value}${page === null ? '' : ` (page ${page})`}`
  ])
}
