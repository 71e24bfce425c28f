// @ts-check
/** How numbers, sizes, durations and names are shown, in the reader's own locale. */

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 })
const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 })
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 })
const finePercent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/**
 * A number short enough for a card or an axis: 1.2M, 12,345, 3.14.
 * @param {number | null | undefined} value
 */
export function formatNumber (value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const size = Math.abs(value)
  if (size >= 1_000_000) return compact.format(value)
  if (size >= 1000) return whole.format(value)
  return plain.format(value)
}

/** @param {number | null | undefined} fraction 0..1 */
export function formatPercent (fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—'
  // Below 10 %, one decimal: "0.4 %" says more than a rounded "0 %".
  return Math.abs(fraction) < 0.1 ? finePercent.format(fraction) : percent.format(fraction)
}

/** @param {number} bytes */
export function formatBytes (bytes) {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let size = bytes / 1024
  let unit = 0
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024
    unit++
  }
  return `${plain.format(Number(size.toFixed(1)))} ${units[unit]}`
}

/**
 * A duration as people say it: "0.4 s", "12 s", "3 min 5 s".
 * @param {number} milliseconds
 */
export function formatDuration (milliseconds) {
  const ms = Math.max(0, milliseconds)
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/**
 * "3 minutes ago", "yesterday"; falls back to the date for anything older than a week.
 * @param {string} iso
 * @param {number} [now]
 */
export function formatWhen (iso, now = Date.now()) {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return ''
  const seconds = Math.round((time - now) / 1000)
  const size = Math.abs(seconds)
  if (size < 45) return relative.format(seconds, 'second')
  if (size < 45 * 60) return relative.format(Math.round(seconds / 60), 'minute')
  if (size < 22 * 3600) return relative.format(Math.round(seconds / 3600), 'hour')
  if (size < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day')
  return dateTime.format(time)
}

/**
 * A machine name made readable: `data_quality` / `dataQuality` → "Data quality".
 * @param {string} name
 */
export function humanize (name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** @type {Record<string, string>} */
const pipelineNames = { report: 'Forecast report', intake: 'Document intake' }

/** @param {string} pipeline */
export function pipelineLabel (pipeline) {
  return pipelineNames[pipeline] ?? humanize(pipeline)
}
