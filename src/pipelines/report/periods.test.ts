import { describe, expect, it } from 'vitest'
import { dayNumber } from './parse-date.ts'
import { choosePeriod, periodDays, periodIndex, periodLabel } from './periods.ts'

const day = (text: string) => {
  const [y, m, d] = text.split('-').map(Number)
  return dayNumber(y ?? 0, m ?? 0, d ?? 0)
}

describe('periods', () => {
  it('labels periods as the contract says', () => {
    expect(periodLabel('month', periodIndex('month', day('2024-03-15')))).toBe('2024-03')
    expect(periodLabel('quarter', periodIndex('quarter', day('2024-03-15')))).toBe('2024-Q1')
    expect(periodLabel('week', periodIndex('week', day('2024-02-29')))).toBe('2024-W09')
    expect(periodLabel('week', periodIndex('week', day('2021-01-03')))).toBe('2020-W53')
    expect(periodLabel('day', periodIndex('day', day('2024-03-15')))).toBe('2024-03-15')
  })

  it('knows the first and last day of a period', () => {
    const [first, last] = periodDays('month', periodIndex('month', day('2024-02-10')))
    expect([first, last]).toEqual([day('2024-02-01'), day('2024-02-29')])
  })

  it('chooses monthly for multi-year data, weekly for months, daily for weeks', () => {
    const range = (from: string, days: number, step = 1) => Array.from({ length: Math.ceil(days / step) }, (_, i) => day(from) + i * step)
    expect(choosePeriod(range('2022-01-01', 3 * 365))).toBe('month')
    expect(choosePeriod(range('2024-01-01', 200))).toBe('week')
    expect(choosePeriod(range('2024-01-01', 40))).toBe('day')
    expect(choosePeriod(range('2024-01-01', 360, 30))).toBe('month')
    expect(choosePeriod(range('2020-01-01', 4 * 365, 91))).toBe('quarter')
  })
})
