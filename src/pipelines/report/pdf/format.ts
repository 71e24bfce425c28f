/**
 * Number formatting for the printed report: full figures with thousands separators in tables,
 * compact ones (1.2M, 350k) on chart axes, signed percents for growth.
 */

/**
 * A name from the file (a group, a column) as the PDF prints it. pdfkit measures text glyph by
 * glyph, and with `ellipsis` measures again for every character it drops, so a 60 KiB group name
 * would hold the event loop for minutes; no label needs more than a line.
 */
export function clipLabel (text: string, max = 80): string {
  if (text.length <= max) return text
  return Array.from(text.slice(0, max * 2)).slice(0, max - 1).join('') + '…'
}

export function formatNumber (value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  const digits = Math.abs(value) >= 100 ? 0 : 2
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function formatCompact (value: number): string {
  const abs = Math.abs(value)
  const [divisor, suffix] = abs >= 1e9 ? [1e9, 'B'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, '']
  const scaled = value / divisor
  const text = Math.abs(scaled) >= 100 || divisor === 1 ? scaled.toFixed(abs < 10 && divisor === 1 && !Number.isInteger(value) ? 1 : 0) : scaled.toFixed(1)
  return `${text.replace(/\.0$/, '')}${suffix}`
}

export function formatGrowth (value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  const percent = value * 100
  return `${percent > 0 ? '+' : percent < 0 ? '−' : ''}${Math.abs(percent).toFixed(1)}%`
}

export const formatRatio = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits)

/** Round axis ticks (1, 2, 2.5, 5 × 10^k) spanning [min, max]. */
export function niceTicks (min: number, max: number, count = 5): number[] {
  if (min === max) { min -= Math.abs(min) * 0.1 || 1; max += Math.abs(max) * 0.1 || 1 }
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find(multiple => multiple * power >= raw) ?? 10) * power
  const ticks: number[] = []
  for (let tick = Math.floor(min / step) * step; tick <= max + step * 0.999; tick += step) ticks.push(Math.round(tick / step) * step)
  return ticks
}
