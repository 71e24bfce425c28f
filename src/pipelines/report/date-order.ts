/**
 * Decides, from every distinct date in the file, how its dates are written. Numeric dates are
 * the hard part: a first number above 12 settles day-first, a second above 12 settles
 * month-first; when every date reads validly both ways, the reading that lays the dates on a
 * regular calendar (daily, weekly, monthly…) wins, and a warning says so.
 */
import { dateShape, describeFormat, numericParts, parseDateToken, type DateShape, type DayOrder } from './parse-date.ts'

export interface DateReading {
  order: DayOrder
  /** Human label of the dominant format, e.g. `dd/mm/yyyy`. */
  format: string
  /** Why the order was chosen when the dates alone were ambiguous or contradictory. */
  note?: string
}

export function inferDateReading (tokens: readonly string[], hint: DayOrder = 'mdy'): DateReading {
  const shapes = new Map<DateShape, number>()
  let example: { token: string, shape: DateShape } | undefined
  let dayFirstOnly = 0
  let monthFirstOnly = 0
  const numeric: string[] = []
  for (const token of tokens) {
    const shape = dateShape(token)
    if (!shape) continue
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1)
    if (shape !== 'numeric') continue
    numeric.push(token)
    const [first, second] = numericParts(token) ?? [0, 0]
    if (first > 12 && second <= 12) dayFirstOnly++
    if (second > 12 && first <= 12) monthFirstOnly++
  }
  const dominant = [...shapes].sort((a, b) => b[1] - a[1])[0]?.[0]
  if (dominant) example = { token: tokens.find(token => dateShape(token) === dominant) ?? '', shape: dominant }
  const label = (order: DayOrder) => (example ? describeFormat(example.token, example.shape, order) : 'unknown')

  if (numeric.length === 0) return { order: hint, format: label(hint) }
  if (dayFirstOnly > 0 && monthFirstOnly === 0) return { order: 'dmy', format: label('dmy') }
  if (monthFirstOnly > 0 && dayFirstOnly === 0) return { order: 'mdy', format: label('mdy') }
  if (dayFirstOnly > 0 && monthFirstOnly > 0) {
    const order = dayFirstOnly >= monthFirstOnly ? 'dmy' : 'mdy'
    return {
      order,
      format: label(order),
      note: `The dates mix day-first and month-first writing (${dayFirstOnly} dates only valid as day/month, ${monthFirstOnly} only as month/day); read as ${order === 'dmy' ? 'day/month' : 'month/day'}, the majority. Dates that do not fit were skipped.`
    }
  }
  const dmy = calendarRegularity(numeric.map(token => parseDateToken(token, 'dmy')))
  const mdy = calendarRegularity(numeric.map(token => parseDateToken(token, 'mdy')))
  const order: DayOrder = dmy.score > mdy.score ? 'dmy' : mdy.score > dmy.score ? 'mdy' : hint
  const chosen = order === 'dmy' ? dmy : mdy
  const reason = dmy.score === mdy.score
    ? 'both readings are equally regular, so the file\'s number format decided'
    : `it lays the dates on a regular ${chosen.step} calendar (${Math.round(chosen.score * 100)}% of gaps) while the other reading does not (${Math.round((order === 'dmy' ? mdy : dmy).score * 100)}%)`
  return {
    order,
    format: label(order),
    note: `Every date such as ${JSON.stringify(numeric[0])} reads validly both day-first and month-first; read as ${order === 'dmy' ? 'day/month' : 'month/day'} because ${reason}.`
  }
}

const STEPS: Array<[string, number, number]> = [
  ['daily', 1, 3], ['weekly', 7, 7], ['monthly', 28, 31], ['quarterly', 89, 92], ['yearly', 365, 366]
]

/** Share of the gaps between consecutive distinct dates that fall in the most common calendar step. */
export function calendarRegularity (days: readonly number[]): { score: number, step: string } {
  const sorted = [...new Set(days.filter(day => !Number.isNaN(day)))].sort((a, b) => a - b)
  if (sorted.length < 3) return { score: 0, step: 'unknown' }
  const counts = new Map<string, number>()
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i] ?? 0) - (sorted[i - 1] ?? 0)
    const step = STEPS.find(([, low, high]) => gap >= low && gap <= high)?.[0] ?? `${gap}-day`
    counts.set(step, (counts.get(step) ?? 0) + 1)
  }
  const [step, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['unknown', 0]
  // Unparseable dates count against a reading: the right one reads them all.
  const validShare = sorted.length > 0 ? days.filter(day => !Number.isNaN(day)).length / days.length : 0
  return { score: (count / (sorted.length - 1)) * validShare, step }
}
