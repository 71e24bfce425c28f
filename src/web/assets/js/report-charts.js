// @ts-check
/**
 * Lays out the report's charts: each chart specification the report pipeline produced
 * (src/pipelines/report/charts.ts: `forecast` and `bar`), then small multiples of every
 * region's and department's forecast, built from the result's group forecasts. Each canvas
 * carries a text description, since a chart is an image to a screen reader.
 */
import { h } from './dom.js'
import { formatNumber } from './format.js'
import { drawBars, drawSeriesPanel, intervalLabel } from './chart-draw.js'

/** @typedef {import('../../types/contract').ReportResult} ReportResult */
/** @typedef {import('../../types/contract').ChartSpec} ChartSpec */
/** @typedef {import('../../types/contract').ForecastChartSpec} ForecastChartSpec */
/** @typedef {import('../../types/contract').BarChartSpec} BarChartSpec */
/** @typedef {import('./chart-draw.js').Panel} Panel */

/** @param {Panel} panel */
function describePanel (panel) {
  const first = panel.history[0]
  const last = panel.history.at(-1)
  const end = panel.forecast.at(-1)
  const parts = []
  if (first && last) parts.push(`History from ${first.period} (${formatNumber(first.value)}) to ${last.period} (${formatNumber(last.value)}).`)
  if (end) parts.push(`Forecast for ${end.period}: ${formatNumber(end.value)}, ${intervalLabel(panel.level)} ${formatNumber(end.lower)} to ${formatNumber(end.upper)}.`)
  if (panel.anomalies.length) parts.push(`${panel.anomalies.length} anomal${panel.anomalies.length === 1 ? 'y' : 'ies'} marked.`)
  if (panel.changePoints.length) parts.push(`${panel.changePoints.length} change point${panel.changePoints.length === 1 ? '' : 's'} marked.`)
  return parts.join(' ')
}

/**
 * @param {string} label
 * @param {string} description
 * @param {string} frameClass
 */
function canvasIn (label, description, frameClass) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${label}. ${description}` }, [description])
  return { canvas, frame: h('div', { class: frameClass }, [canvas]) }
}

/**
 * @param {string} id
 * @param {string} title
 * @param {Array<import('./dom.js').Child>} body
 * @param {boolean} wide
 */
const figure = (id, title, body, wide) => h('figure', { class: wide ? 'card chart chart--wide' : 'card chart', 'data-chart-id': id }, [
  h('figcaption', { class: 'chart__title', text: title }),
  ...body
])

/**
 * @param {ForecastChartSpec} spec
 * @returns {Panel}
 */
const panelOfSpec = (spec) => ({ title: spec.title, history: spec.history, forecast: spec.forecast, anomalies: spec.anomalies, changePoints: spec.changePoints ?? [], level: spec.level ?? null })

/**
 * Small multiples of one measure across the groups of one dimension.
 * @param {ReportResult} report
 * @param {'byRegion' | 'byDepartment'} key
 * @param {string} measure
 * @returns {Panel[]}
 */
function groupPanels (report, key, measure) {
  return Object.entries(report.forecasts[key] ?? {}).flatMap(([group, byMeasure]) => {
    const forecast = byMeasure[measure]
    if (!forecast) return []
    const anomalies = report.analytics.anomalies.filter(item => item.series === group && item.measure === measure)
    const changePoints = (report.analytics.changePoints ?? []).filter(item => item.series === group && item.measure === measure).map(item => item.period)
    return [{ title: group, history: forecast.history, forecast: forecast.forecast, anomalies, changePoints, level: forecast.level ?? null }]
  })
}

/** @param {Panel[]} panels */
const multiplesLegend = (panels) => h('p', { class: 'chart-legend' }, [
  h('span', { class: 'legend-key legend-key--history', text: 'History' }),
  h('span', { class: 'legend-key legend-key--forecast', text: 'Forecast' }),
  h('span', { class: 'legend-key legend-key--band', text: intervalLabel(panels[0]?.level ?? null) }),
  panels.some(panel => panel.anomalies.length) ? h('span', { class: 'legend-key legend-key--anomaly', text: 'Anomaly' }) : null,
  panels.some(panel => panel.changePoints.length) ? h('span', { class: 'legend-key legend-key--change', text: 'Change point' }) : null
])

/**
 * Renders every chart into `container`. Canvases are drawn once they are in the document,
 * so Chart.js can measure their frames.
 * @param {HTMLElement} container
 * @param {ReportResult} report
 */
export function renderCharts (container, report) {
  /** @type {Array<() => void>} */
  const draws = []
  for (const spec of report.charts ?? []) {
    if (spec.type === 'forecast') {
      const panel = panelOfSpec(/** @type {ForecastChartSpec} */ (spec))
      const { canvas, frame } = canvasIn(spec.title, describePanel(panel), 'chart-frame')
      container.append(figure(spec.id, spec.title, [frame], false))
      draws.push(() => drawSeriesPanel(canvas, panel, { compact: false }))
    } else if (spec.type === 'bar') {
      const bars = /** @type {BarChartSpec} */ (spec)
      const description = bars.categories.map((category, index) => `${category}: ${bars.series.map(series => `${series.name} ${formatNumber(series.values[index])}`).join(', ')}`).join('; ')
      const { canvas, frame } = canvasIn(spec.title, description, 'chart-frame')
      // Horizontal bars need height per category; CSSOM is allowed under the strict CSP.
      frame.style.height = `${Math.max(200, 70 + bars.categories.length * Math.max(1, bars.series.length) * 20)}px`
      container.append(figure(spec.id, spec.title, [frame], false))
      draws.push(() => drawBars(canvas, bars))
    }
  }

  const measure = report.input.measures[0]
  for (const [key, dimension] of /** @type {const} */ ([['byRegion', 'region'], ['byDepartment', 'department']])) {
    const panels = measure ? groupPanels(report, key, measure) : []
    if (panels.length === 0) continue
    const rendered = panels.map(panel => ({ panel, ...canvasIn(`${measure}, ${panel.title}`, describePanel(panel), 'chart-frame chart-frame--small') }))
    container.append(figure(`multiples-${dimension}`, `${measure} by ${dimension}: history and forecast`, [
      multiplesLegend(panels),
      h('div', { class: 'multiples' }, rendered.map(item => h('div', { class: 'multiples__panel' }, [h('p', { class: 'multiples__title', text: item.panel.title }), item.frame])))
    ], true))
    for (const item of rendered) draws.push(() => drawSeriesPanel(item.canvas, item.panel, { compact: true }))
  }

  // Two columns on wide screens: an odd chart out takes the full row instead of leaving a hole.
  const halves = [...container.querySelectorAll('.chart:not(.chart--wide)')]
  if (halves.length % 2 === 1) halves.at(-1)?.classList.add('chart--wide')
  if (draws.length === 0) container.append(h('p', { class: 'section-intro', text: 'This report has no charts.' }))
  for (const draw of draws) draw()
}
