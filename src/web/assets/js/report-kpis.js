// @ts-check
/**
 * The key figures of a report, as a finance reader scans them: each measure's total with its
 * latest period and how that moved, the forecast for the coming periods, the margin, and the
 * leading and lagging regions and departments.
 */
import { h } from './dom.js'
import { formatNumber, formatPercent } from './format.js'

/** @typedef {import('../../types/contract').ReportResult} ReportResult */
/** @typedef {import('../../types/contract').Rankings} Rankings */

const MAX_MEASURE_CARDS = 4

/**
 * "▲ 4%" / "▼ 12%": a change with its direction spelled out for screen readers too.
 * @param {number | null} change
 * @param {string} against
 */
function delta (change, against) {
  if (change === null || change === undefined) return null
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat'
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '■'
  return h('li', { class: `delta delta--${direction}` }, [
    h('span', { 'aria-hidden': 'true', text: `${arrow} ` }),
    h('span', { class: 'visually-hidden', text: `${direction} ` }),
    `${formatPercent(Math.abs(change))} ${against}`
  ])
}

/**
 * @param {string} label
 * @param {string} value
 * @param {Array<import('./dom.js').Child>} details
 */
const card = (label, value, details) => h('div', { class: 'kpi' }, [
  h('p', { class: 'kpi__label', text: label }),
  h('p', { class: 'kpi__value', text: value }),
  details.some(Boolean) ? h('ul', { class: 'kpi__details' }, details) : null
])

/**
 * @param {string} noun "region" or "department"
 * @param {Rankings | null | undefined} rankings
 */
function rankingCard (noun, rankings) {
  if (!rankings) return null
  const growth = (/** @type {number | null} */ value) => value === null ? '' : ` (${value >= 0 ? '+' : '−'}${formatPercent(Math.abs(value))} over the last year)`
  return card(`Largest ${noun} by ${rankings.measure}`, rankings.best.name, [
    h('li', { text: `${formatNumber(rankings.best.total)} in total` }),
    h('li', { text: `Smallest: ${rankings.worst.name}, ${formatNumber(rankings.worst.total)}` }),
    rankings.fastestGrowing ? h('li', { text: `Fastest growing: ${rankings.fastestGrowing.name}${growth(rankings.fastestGrowing.growth)}` }) : null,
    rankings.slowestGrowing ? h('li', { text: `Slowest: ${rankings.slowestGrowing.name}${growth(rankings.slowestGrowing.growth)}` }) : null
  ])
}

/** @param {ReportResult} report */
export function keyFigures (report) {
  const kpis = report.analytics.kpis ?? {}
  const measures = Object.entries(kpis.measures ?? {})
  const cards = measures.slice(0, MAX_MEASURE_CARDS).map(([measure, figures]) => card(`Total ${measure}`, formatNumber(figures.total), [
    figures.lastPeriod ? h('li', { text: `Latest (${figures.lastPeriod.period}): ${formatNumber(figures.lastPeriod.value)}` }) : null,
    delta(figures.periodOverPeriod, 'on the period before'),
    delta(figures.yearOverYear, 'on a year before'),
    figures.forecastNext ? h('li', { text: `Forecast, next ${figures.forecastNext.periods} periods: ${formatNumber(figures.forecastNext.total)}` }) : null
  ]))
  if (measures.length === 0) {
    for (const [measure, total] of Object.entries(report.totals)) cards.push(card(`Total ${measure}`, formatNumber(total), []))
  }
  if (kpis.margin) cards.push(card('Margin', formatPercent(kpis.margin.value), [h('li', { text: kpis.margin.basis })]))
  const rankings = [rankingCard('region', kpis.regions), rankingCard('department', kpis.departments)]
  return h('div', { class: 'kpis' }, [...cards, ...rankings])
}
