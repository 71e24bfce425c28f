/**
 * Calendar periods as consecutive integers, so series arithmetic is plain subtraction: months
 * count from year 0, ISO weeks from a Monday epoch, days are day numbers. Labels follow the
 * contract (`2024-03`, `2024-Q1`, `2024-W09`, `2024-03-15`). Also decides which period a file is
 * summarised by and the season length each period implies.
 */
import { dayToDate, isoDay } from './parse-date.ts'

export const PERIODS = ['day', 'week', 'month', 'quarter'] as const
export type Period = typeof PERIODS[number]

/** Calendar season lengths: augurs' own detector is unreliable on short monthly series. */
export const SEASON_LENGTH: Record<Period, number> = { day: 7, week: 52, month: 12, quarter: 4 }
/** Periods in a year, for year-over-year comparisons. */
export const PERIODS_PER_YEAR: Record<Period, number> = { day: 365, week: 52, month: 12, quarter: 4 }
/** Default forecast horizon: a year for months and quarters, a quarter for weeks, two weeks for days. */
export const DEFAULT_HORIZON: Record<Period, number> = { day: 14, week: 13, month: 12, quarter: 4 }

/** 1970-01-05 was a Monday: ISO weeks are counted from it. */
const MONDAY_EPOCH = 4

export function periodIndex (period: Period, day: number): number {
  switch (period) {
    case 'day': return day
    case 'week': return Math.floor((day - MONDAY_EPOCH) / 7)
    case 'month': {
      const { year, month } = dayToDate(day)
      return year * 12 + month - 1
    }
    case 'quarter': {
      const { year, month } = dayToDate(day)
      return year * 4 + Math.floor((month - 1) / 3)
    }
  }
}

/** First and last day (inclusive) of a period. */
export function periodDays (period: Period, index: number): [number, number] {
  switch (period) {
    case 'day': return [index, index]
    case 'week': return [MONDAY_EPOCH + index * 7, MONDAY_EPOCH + index * 7 + 6]
    case 'month': {
      const year = Math.floor(index / 12)
      const month = index % 12
      return [Date.UTC(year, month, 1) / 86_400_000, Date.UTC(year, month + 1, 0) / 86_400_000]
    }
    case 'quarter': {
      const year = Math.floor(index / 4)
      const quarter = index % 4
      return [Date.UTC(year, quarter * 3, 1) / 86_400_000, Date.UTC(year, quarter * 3 + 3, 0) / 86_400_000]
    }
  }
}

export function periodLabel (period: Period, index: number): string {
  switch (period) {
    case 'day': return isoDay(index)
    case 'month': return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, '0')}`
    case 'quarter': return `${Math.floor(index / 4)}-Q${index % 4 + 1}`
    case 'week': {
      // An ISO week belongs to the year of its Thursday.
      const thursday = MONDAY_EPOCH + index * 7 + 3
      const { year } = dayToDate(thursday)
      const jan1 = Date.UTC(year, 0, 1) / 86_400_000
      const week = Math.floor((thursday - jan1) / 7) + 1
      return `${year}-W${String(week).padStart(2, '0')}`
    }
  }
}

/**
 * The period that gives each series enough points: monthly from two years of data (two full
 * seasons for a seasonal model), weekly from 16 weeks, daily below that — but never finer than
 * the data itself (dates a month apart are monthly data whatever their span).
 */
export function choosePeriod (distinctDays: readonly number[]): Period {
  const sorted = [...distinctDays].sort((a, b) => a - b)
  const first = sorted[0] ?? 0
  const last = sorted[sorted.length - 1] ?? 0
  const gaps: number[] = []
  for (let i = 1; i < sorted.length; i++) gaps.push((sorted[i] ?? 0) - (sorted[i - 1] ?? 0))
  gaps.sort((a, b) => a - b)
  const medianGap = gaps[Math.floor(gaps.length / 2)] ?? 1
  if (medianGap >= 85) return 'quarter'
  if (medianGap >= 27) return 'month'
  const spanDays = last - first + 1
  if (spanDays >= 730 - 31) return 'month'
  if (medianGap >= 6 || spanDays >= 16 * 7) return 'week'
  return 'day'
}
