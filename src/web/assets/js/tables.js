// @ts-check
/**
 * Data tables for the result views: a real <table> with a caption and header cells, inside a
 * focusable scroll container so a wide table stays usable at 375 px and by keyboard.
 */
import { h } from './dom.js'

/** @typedef {import('./dom.js').Child} Child */
/** @typedef {{ label: string, numeric?: boolean, nowrap?: boolean }} Column */

/**
 * @param {string} caption
 * @param {Column[]} columns
 * @param {Array<Array<Child>>} rows
 */
export function dataTable (caption, columns, rows) {
  const table = h('table', { class: 'table' }, [
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, [h('tr', {}, columns.map(column =>
      h('th', { scope: 'col', class: column.numeric ? 'numeric' : null, text: column.label })))]),
    h('tbody', {}, rows.map(row => h('tr', {}, row.map((cell, index) => {
      const column = columns[index]
      const classes = [column?.numeric ? 'numeric' : '', column?.nowrap ? 'nowrap' : ''].join(' ').trim()
      return h(index === 0 ? 'th' : 'td', { scope: index === 0 ? 'row' : null, class: classes || null }, [cell])
    }))))
  ])
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 }, [table])
}

/**
 * A titled section of a result view.
 * @param {string} id
 * @param {string} title
 * @param {Array<Child | Child[]>} children
 * @param {string} [intro]
 */
export function resultSection (id, title, children, intro) {
  return h('section', { class: 'result__section', 'aria-labelledby': id }, [
    h('h2', { id, class: 'section-title', text: title }),
    intro ? h('p', { class: 'section-intro', text: intro }) : null,
    ...children
  ])
}
