/**
 * Reads the dates finance exports contain — ISO (`2024-03-15`, with or without a time), numeric
 * `dd/mm/yy` or `mm/dd/yy` (any of `/ - .`), `dd.mm.yyyy`, month names in English, German, French
 * and Spanish (`15 Mar 2024`, `März 2024`, `Mar 15, 2024`), quarters (`2024-Q1`), ISO weeks
 * (`2024-W09`) and `yyyymmdd`. Dates become whole days since 1970-01-01 (UTC), so calendar
 * arithmetic never meets time zones. Whether `03/04/2024` is day-first is decided by
 * `date-order.ts` from all the dates in the file, not here.
 */

export type DayOrder = 'dmy' | 'mdy'
export type DateShape = 'iso' | 'iso-month' | 'compact' | 'numeric' | 'month-name' | 'quarter' | 'week'

const MS_PER_DAY = 86_400_000
const TIME_SUFFIX = /(?:[T\s]+|(?<=\d)T)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[aApP]\.?[mM]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?$/
// Other languages' weekday abbreviations clash with month names (French `mar.`), so they need a comma.
const WEEKDAY_PREFIX = /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?|(?:mo|di|mi|do|fr|sa|so|lun|mar|mer|jeu|ven|sam|dim)[a-zé]*\.?,)\s+/i

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/
const ISO_MONTH = /^(\d{4})[-/](\d{1,2})$/
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/
const NUMERIC = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$/
const DAY_MONTH_YEAR = /^(\d{1,2})\.?[\s\-./]*([^\d\s\-./,]{3,})\.?[\s\-./,]*(\d{4}|\d{2})$/u
const MONTH_DAY_YEAR = /^([^\d\s\-./,]{3,})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(\d{4})$/u
const MONTH_YEAR = /^([^\d\s\-./,]{3,})\.?[\s\-./']*(\d{4}|\d{2})$/u
const YEAR_MONTH_NAME = /^(\d{4})[\s\-./]([^\d\s\-./,]{3,})\.?$/u
const QUARTER = /^(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))$/i
const WEEK = /^(\d{4})-?W(\d{2})$/i

const MONTHS: Record<string, number> = {}
const monthNames: Array<[number, string[]]> = [
  [1, ['january', 'jan', 'januar', 'janvier', 'janv', 'enero', 'ene']],
  [2, ['february', 'feb', 'februar', 'février', 'fevrier', 'févr', 'fevr', 'febrero']],
  [3, ['march', 'mar', 'märz', 'maerz', 'mär', 'mrz', 'mars', 'marzo']],
  [4, ['april', 'apr', 'avril', 'avr', 'abril', 'abr']],
  [5, ['may', 'mai', 'mayo']],
  [6, ['june', 'jun', 'juni', 'juin', 'junio']],
  [7, ['july', 'jul', 'juli', 'juillet', 'juil', 'julio']],
  [8, ['august', 'aug', 'août', 'aout', 'agosto', 'ago']],
  [9, ['september', 'sep', 'sept', 'septembre', 'septiembre', 'set']],
  [10, ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre']],
  [11, ['november', 'nov', 'novembre', 'noviembre']],
  [12, ['december', 'dec', 'dezember', 'dez', 'décembre', 'decembre', 'déc', 'diciembre', 'dic']]
]
for (const [month, names] of monthNames) for (const name of names) MONTHS[name] = month

/** Removes a time of day and a leading weekday, so `Mon, 2024-03-04 13:45` keys as `2024-03-04`. */
export function normalizeDateToken (raw: string): string {
  return raw.trim().replace(TIME_SUFFIX, '').replace(WEEKDAY_PREFIX, '').trim()
}

export function dayNumber (year: number, month: number, day: number): number {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN
  const time = Date.UTC(year, month - 1, day)
  const date = new Date(time)
  // Date.UTC rolls 31 February over into March; a real calendar date round-trips.
  if (date.getUTCDate() !== day) return Number.NaN
  return time / MS_PER_DAY
}

export function dayToDate (day: number): { year: number, month: number, day: number, weekday: number } {
  const date = new Date(day * MS_PER_DAY)
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), weekday: date.getUTCDay() }
}

export const isoDay = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10)

function expandYear (text: string): number {
  const year = Number(text)
  if (text.length !== 2) return year
  return year < 70 ? 2000 + year : 1900 + year
}

const monthFromName = (name: string): number | undefined => MONTHS[name.toLowerCase().replace(/\.$/, '')]

/** Which pattern a normalised token follows, or undefined when it is not a date at all. */
export function dateShape (token: string): DateShape | undefined {
  if (ISO.test(token)) return 'iso'
  if (NUMERIC.test(token)) return 'numeric'
  if (ISO_MONTH.test(token)) return 'iso-month'
  if (QUARTER.test(token)) return 'quarter'
  if (WEEK.test(token)) return 'week'
  if (COMPACT.test(token)) return 'compact'
  if (DAY_MONTH_YEAR.test(token) || MONTH_DAY_YEAR.test(token) || MONTH_YEAR.test(token) || YEAR_MONTH_NAME.test(token)) {
    return Number.isNaN(parseDateToken(token, 'dmy')) ? undefined : 'month-name'
  }
  return undefined
}

/** The two numbers before the year in a numeric date (`03/04/2024` → [3, 4]), for order inference. */
export function numericParts (token: string): [number, number] | undefined {
  const match = NUMERIC.exec(token)
  return match ? [Number(match[1]), Number(match[3])] : undefined
}

/** Parses a normalised token; `order` only matters for numeric dates. NaN when it is no date. */
export function parseDateToken (token: string, order: DayOrder): number {
  let match = ISO.exec(token)
  if (match) return dayNumber(Number(match[1]), Number(match[2]), Number(match[3]))
  match = NUMERIC.exec(token)
  if (match) {
    const first = Number(match[1])
    const second = Number(match[3])
    const year = expandYear(match[4] ?? '')
    return order === 'dmy' ? dayNumber(year, second, first) : dayNumber(year, first, second)
  }
  match = ISO_MONTH.exec(token)
  if (match) return dayNumber(Number(match[1]), Number(match[2]), 1)
  match = QUARTER.exec(token)
  if (match) {
    const year = Number(match[1] ?? match[4])
    const quarter = Number(match[2] ?? match[3])
    return dayNumber(year, quarter * 3 - 2, 1)
  }
  match = WEEK.exec(token)
  if (match) return isoWeekMonday(Number(match[1]), Number(match[2]))
  match = COMPACT.exec(token)
  if (match) return dayNumber(Number(match[1]), Number(match[2]), Number(match[3]))
  match = DAY_MONTH_YEAR.exec(token)
  if (match) return dayNumber(expandYear(match[3] ?? ''), monthFromName(match[2] ?? '') ?? 0, Number(match[1]))
  match = MONTH_DAY_YEAR.exec(token)
  if (match) return dayNumber(Number(match[3]), monthFromName(match[1] ?? '') ?? 0, Number(match[2]))
  match = MONTH_YEAR.exec(token)
  if (match) return dayNumber(expandYear(match[2] ?? ''), monthFromName(match[1] ?? '') ?? 0, 1)
  match = YEAR_MONTH_NAME.exec(token)
  if (match) return dayNumber(Number(match[1]), monthFromName(match[2] ?? '') ?? 0, 1)
  return Number.NaN
}

/** Monday of ISO week `week` of ISO year `year` (the week holding that year's 4 January). */
export function isoWeekMonday (year: number, week: number): number {
  if (week < 1 || week > 53) return Number.NaN
  const jan4 = dayNumber(year, 1, 4)
  const weekday = (dayToDate(jan4).weekday + 6) % 7
  return jan4 - weekday + (week - 1) * 7
}

/** A human label for how the dates were written, e.g. `dd/mm/yyyy` or `yyyy-mm-dd`. */
export function describeFormat (token: string, shape: DateShape, order: DayOrder): string {
  switch (shape) {
    case 'iso': return `yyyy${token[4]}mm${token[4]}dd`
    case 'iso-month': return `yyyy${token[4]}mm`
    case 'compact': return 'yyyymmdd'
    case 'quarter': return 'yyyy-Qn'
    case 'week': return 'yyyy-Www'
    case 'month-name': return 'month name'
    case 'numeric': {
      const match = NUMERIC.exec(token)
      const separator = match?.[2] ?? '/'
      const year = match?.[4]?.length === 2 ? 'yy' : 'yyyy'
      return order === 'dmy' ? `dd${separator}mm${separator}${year}` : `mm${separator}dd${separator}${year}`
    }
  }
}
