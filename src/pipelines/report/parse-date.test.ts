import { describe, expect, it } from 'vitest'
import { calendarRegularity, inferDateReading } from './date-order.ts'
import { dayNumber, isoDay, normalizeDateToken, parseDateToken } from './parse-date.ts'

const iso = (token: string, order: 'dmy' | 'mdy' = 'dmy') => isoDay(parseDateToken(normalizeDateToken(token), order))

describe('parseDateToken', () => {
  it.each([
    ['2024-03-15', '2024-03-15'],
    ['2024/3/5', '2024-03-05'],
    ['2024-03-15T13:45:00Z', '2024-03-15'],
    ['2024-03-15 08:00', '2024-03-15'],
    ['15.03.2024', '2024-03-15'],
    ['15/03/24', '2024-03-15'],
    ['15 Mar 2024', '2024-03-15'],
    ['15-Mar-2024', '2024-03-15'],
    ['Mar 15, 2024', '2024-03-15'],
    ['March 2024', '2024-03-01'],
    ['15. März 2024', '2024-03-15'],
    ['Mon, 4 Mar 2024', '2024-03-04'],
    ['2024-03', '2024-03-01'],
    ['2024-Q2', '2024-04-01'],
    ['Q4 2023', '2023-10-01'],
    ['2024-W01', '2024-01-01'],
    ['20240315', '2024-03-15']
  ])('reads %s', (token, expected) => {
    expect(iso(token)).toBe(expected)
  })

  it('applies the day/month order only to numeric dates', () => {
    expect(iso('03/04/2024', 'dmy')).toBe('2024-04-03')
    expect(iso('03/04/2024', 'mdy')).toBe('2024-03-04')
  })

  it('rejects impossible dates and non-dates', () => {
    expect(parseDateToken('31/02/2024', 'dmy')).toBeNaN()
    expect(parseDateToken('hello', 'dmy')).toBeNaN()
    expect(parseDateToken('12345', 'dmy')).toBeNaN()
  })
})

describe('inferDateReading', () => {
  it('is settled by a first part above 12', () => {
    expect(inferDateReading(['01/02/2024', '13/02/2024']).order).toBe('dmy')
    expect(inferDateReading(['02/01/2024', '02/13/2024'], 'dmy').order).toBe('mdy')
  })

  it('prefers the reading that gives a regular calendar when both are valid, and says so', () => {
    // Monthly data on the 1st, written dd/mm/yyyy: day-first gives a clean monthly calendar.
    const monthly = Array.from({ length: 24 }, (_, i) => `01/${String(i % 12 + 1).padStart(2, '0')}/${2022 + Math.floor(i / 12)}`)
    const reading = inferDateReading(monthly, 'mdy')
    expect(reading.order).toBe('dmy')
    expect(reading.format).toBe('dd/mm/yyyy')
    expect(reading.note).toMatch(/regular monthly calendar/)
  })

  it('names the format of ISO files', () => {
    expect(inferDateReading(['2024-01-01', '2024-01-02']).format).toBe('yyyy-mm-dd')
  })

  it('measures regularity as the share of gaps in the commonest step', () => {
    const daily = Array.from({ length: 10 }, (_, i) => dayNumber(2024, 1, 1) + i)
    expect(calendarRegularity(daily)).toEqual({ score: 1, step: 'daily' })
  })
})
