/**
 * Calendar dates in the formats real documents use: `03/20/2023`, `28/11/2022`, `8-9-2022`,
 * `2024-03-15`, `19 april 2014`, `April 19, 2014`, `19. März 2014`. Numeric dates where day
 * and month could be swapped follow the document's own convention, read from its unambiguous
 * dates (`28/11/2022` means day first); with none, dots mean day first, and otherwise
 * `defaultOrder` decides. Such dates are flagged `ambiguous`.
 */
import { MONTH_NAME_PATTERN, monthNumber } from './month-names.ts'
import type { DateOrder, FoundDate, PageTextInput } from './types.ts'

const NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[/.-]\d)/g
const ISO = /(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d]|[/.-]\d)/g
const DAY_MONTH_YEAR = new RegExp(`(?<![\\p{L}\\d])(\\d{1,2})(?:st|nd|rd|th|er|e)?\\.?\\s+(${MONTH_NAME_PATTERN})\\.?,?\\s+(\\d{4})(?!\\d)`, 'giu')
const MONTH_DAY_YEAR = new RegExp(`(?<![\\p{L}\\d])(${MONTH_NAME_PATTERN})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)`, 'giu')

interface Candidate { page: number, index: number, text: string, year: number, first: number, second: number, numeric: boolean, separator: string }

export function findDates (pages: readonly PageTextInput[], defaultOrder: DateOrder = 'dmy'): FoundDate[] {
  const candidates = pages.flatMap(collectCandidates)
  const order = documentOrder(candidates, defaultOrder)
  const found: FoundDate[] = []
  for (const candidate of candidates) {
    const date = resolve(candidate, order)
    if (date) found.push({ ...date, text: candidate.text, page: candidate.page })
  }
  return found
}

function collectCandidates (page: PageTextInput): Candidate[] {
  const found: Candidate[] = []
  const add = (match: RegExpMatchArray, fields: Omit<Candidate, 'page' | 'index' | 'text'>) =>
    found.push({ page: page.number, index: match.index ?? 0, text: match[0], ...fields })
  for (const m of page.text.matchAll(NUMERIC)) {
    add(m, { first: Number(m[1]), second: Number(m[3]), year: fullYear(m[4] ?? ''), numeric: true, separator: m[2] ?? '' })
  }
  for (const m of page.text.matchAll(ISO)) {
    add(m, { year: Number(m[1]), first: Number(m[3]), second: Number(m[2]), numeric: false, separator: '-' })
  }
  for (const m of page.text.matchAll(DAY_MONTH_YEAR)) {
    add(m, { first: Number(m[1]), second: monthNumber(m[2] ?? '') ?? 0, year: Number(m[3]), numeric: false, separator: ' ' })
  }
  for (const m of page.text.matchAll(MONTH_DAY_YEAR)) {
    add(m, { first: Number(m[2]), second: monthNumber(m[1] ?? '') ?? 0, year: Number(m[3]), numeric: false, separator: ' ' })
  }
  return found.sort((a, b) => a.index - b.index)
}

/** For non-numeric candidates `first` is already the day and `second` the month. */
function resolve (candidate: Candidate, order: DateOrder): { value: string, ambiguous: boolean } | null {
  const { first, second, year, numeric } = candidate
  let day = first
  let month = second
  let ambiguous = false
  if (numeric) {
    const canBeDayFirst = isDate(year, second, first)
    const canBeMonthFirst = isDate(year, first, second)
    if (canBeDayFirst && canBeMonthFirst && first !== second) {
      ambiguous = true
      if (order === 'mdy') [day, month] = [second, first]
    } else if (canBeMonthFirst && !canBeDayFirst) {
      [day, month] = [second, first]
    }
  }
  if (!isDate(year, month, day)) return null
  return { value: `${year}-${pad(month)}-${pad(day)}`, ambiguous }
}

function documentOrder (candidates: readonly Candidate[], defaultOrder: DateOrder): DateOrder {
  let dayFirst = 0
  let monthFirst = 0
  for (const { numeric, first, second } of candidates) {
    if (!numeric) continue
    if (first > 12 && second <= 12) dayFirst++
    if (second > 12 && first <= 12) monthFirst++
  }
  if (dayFirst !== monthFirst) return dayFirst > monthFirst ? 'dmy' : 'mdy'
  // Dotted dates (15.03.2024) are a day-first convention everywhere they are used.
  if (candidates.some(c => c.numeric && c.separator === '.')) return 'dmy'
  return defaultOrder
}

function isDate (year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Two-digit years: up to ten years ahead of now counts as this century. */
function fullYear (digits: string): number {
  const value = Number(digits)
  if (digits.length === 4) return value
  const century = Math.floor(new Date().getUTCFullYear() / 100) * 100
  return century + value > new Date().getUTCFullYear() + 10 ? century - 100 + value : century + value
}

const pad = (value: number) => String(value).padStart(2, '0')
