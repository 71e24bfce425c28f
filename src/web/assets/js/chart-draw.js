// @ts-check
/**
 * The two chart drawings the report needs, on Chart.js (served locally from its npm package):
 * a series panel — history line, dashed forecast with its interval band, anomalies and change
 * points marked — and grouped horizontal bars. Colours come from the stylesheet's variables.
 */
import { formatNumber } from './format.js'

/** @typedef {{ period: string, value: number | null }} Point */
/** @typedef {{ period: string, value: number, lower: number, upper: number }} ForecastPoint */
/**
 * @typedef {{ title: string, history: Point[], forecast: ForecastPoint[], anomalies: Array<{ period: string, value: number }>,
 *   changePoints: string[], level: number | null }} Panel
 */

/** @param {unknown} data */
const hasValues = (data) => Array.isArray(data) && data.some(value => value !== null && value !== undefined)

/** @param {number | null} level e.g. 0.95 */
export const intervalLabel = (level) => level ? `${Math.round(level * 100)}% interval` : 'Forecast interval'

function palette () {
  const styles = getComputedStyle(document.documentElement)
  const read = (/** @type {string} */ name, /** @type {string} */ fallback) => styles.getPropertyValue(name).trim() || fallback
  return {
    history: read('--chart-history', '#334155'),
    forecast: read('--chart-forecast', '#3b5bdb'),
    band: read('--chart-band', 'rgba(59, 91, 219, 0.14)'),
    anomaly: read('--chart-anomaly', '#d9480f'),
    change: read('--chart-change', '#7048e8'),
    bars: [read('--chart-bar-1', '#94a3b8'), read('--chart-bar-2', '#3b5bdb')],
    grid: read('--chart-grid', '#e9ecef'),
    text: read('--chart-text', '#495057')
  }
}

function chartLibrary () {
  if (!window.Chart) throw new Error('The charting library did not load; reload the page.')
  return window.Chart
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {Panel} panel
 * @param {{ compact: boolean }} options
 */
export function drawSeriesPanel (canvas, panel, { compact }) {
  const Chart = chartLibrary()
  const colors = palette()
  const labels = [...panel.history.map(point => point.period), ...panel.forecast.map(point => point.period)]
  const historyCount = panel.history.length
  const lastHistory = panel.history.at(-1)?.value ?? null
  // The forecast and its band start at the last observed value, so the lines join.
  const afterHistory = (/** @type {number[]} */ values) => historyCount > 0
    ? [...Array(historyCount - 1).fill(null), lastHistory, ...values]
    : values
  const at = (/** @type {Map<string, number | null>} */ byPeriod) => labels.map(label => byPeriod.get(label) ?? null)
  const historyByPeriod = new Map(panel.history.map(point => [point.period, point.value]))
  const anomalies = at(new Map(panel.anomalies.map(point => [point.period, point.value])))
  const changes = at(new Map(panel.changePoints.map(period => [period, historyByPeriod.get(period) ?? null])))
  // Period labels are ~60 px wide; leave room between them at any width, down to 375 px.
  const xTickLimit = Math.max(2, Math.min(compact ? 4 : 8, Math.floor((canvas.parentElement?.clientWidth ?? 600) / 95)))
  const width = compact ? 1.5 : 2

  return new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'Interval low', data: afterHistory(panel.forecast.map(point => point.lower)), borderWidth: 0, pointRadius: 0, fill: false },
        { label: intervalLabel(panel.level), data: afterHistory(panel.forecast.map(point => point.upper)), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: colors.band },
        { label: 'History', data: panel.history.map(point => point.value), borderColor: colors.history, backgroundColor: colors.history, borderWidth: width, pointRadius: 0 },
        { label: 'Forecast', data: afterHistory(panel.forecast.map(point => point.value)), borderColor: colors.forecast, backgroundColor: colors.forecast, borderDash: [6, 4], borderWidth: width, pointRadius: 0 },
        { label: 'Anomaly', data: anomalies, showLine: false, pointRadius: compact ? 3.5 : 5, pointHoverRadius: 7, borderColor: '#fff', borderWidth: 1.5, backgroundColor: colors.anomaly },
        { label: 'Change point', data: changes, showLine: false, pointStyle: 'triangle', pointRadius: compact ? 4 : 6, pointHoverRadius: 7, borderColor: colors.change, backgroundColor: colors.change }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { color: colors.text, maxRotation: 0, autoSkip: true, maxTicksLimit: xTickLimit } },
        y: { grid: { color: colors.grid }, border: { display: false }, ticks: { color: colors.text, maxTicksLimit: compact ? 4 : 6, callback: (value) => formatNumber(Number(value)) } }
      },
      plugins: {
        legend: {
          display: !compact,
          position: 'bottom',
          labels: { color: colors.text, usePointStyle: true, boxHeight: 6, filter: (item, data) => item.text !== 'Interval low' && hasValues(data.datasets[item.datasetIndex ?? -1]?.data) }
        },
        tooltip: {
          filter: (item) => item.dataset.label !== 'Interval low' && item.raw !== null,
          callbacks: { label: (item) => `${item.dataset.label}: ${formatNumber(Number(item.raw))}` }
        }
      }
    }
  })
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ categories: string[], series: Array<{ name: string, values: number[] }> }} bars
 */
export function drawBars (canvas, bars) {
  const Chart = chartLibrary()
  const colors = palette()
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: bars.categories,
      datasets: bars.series.map((series, index) => ({
        label: series.name,
        data: series.values,
        backgroundColor: colors.bars[index % colors.bars.length],
        borderRadius: 3,
        maxBarThickness: 18
      }))
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { grid: { color: colors.grid }, border: { display: false }, ticks: { color: colors.text, maxTicksLimit: 5, callback: (value) => formatNumber(Number(value)) } },
        y: { grid: { display: false }, ticks: { color: colors.text } }
      },
      plugins: {
        legend: { position: 'bottom', labels: { color: colors.text, usePointStyle: true, boxHeight: 6 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatNumber(Number(item.raw))}` } }
      }
    }
  })
}
