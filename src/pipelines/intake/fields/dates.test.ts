import { describe, expect, it } from 'vitest'
import { findDates } from './dates.ts'

const page = (text: string, number = 1) => ({ number, text })
const values = (text: string, order?: 'dmy' | 'mdy') => findDates([page(text)], order).map(d => [d.text, d.value, d.ambiguous])

describe('findDates', () => {
  it('reads a US date whose day cannot be a month', () => {
    expect(values('Invoice date: 03/20/2023')).toEqual([['03/20/2023', '2023-03-20', false]])
  })

  it('reads a European date whose day cannot be a month', () => {
    expect(values('Datum: 28/11/2022')).toEqual([['28/11/2022', '2022-11-28', false]])
  })

  it('reads written-out months in several languages', () => {
    expect(values('Signed on 19 april 2014 in Utrecht')).toEqual([['19 april 2014', '2014-04-19', false]])
    expect(values('Due April 19, 2014.')).toEqual([['April 19, 2014', '2014-04-19', false]])
    expect(values('Fällig am 3. März 2024')).toEqual([['3. März 2024', '2024-03-03', false]])
    expect(values('Le 1er janvier 2025')).toEqual([['1er janvier 2025', '2025-01-01', false]])
  })

  it('reads ISO dates', () => {
    expect(values('period 2024-03-15 to 2024-04-14')).toEqual([['2024-03-15', '2024-03-15', false], ['2024-04-14', '2024-04-14', false]])
  })

  it('follows the document\'s own convention for a swappable date', () => {
    expect(values('Issued 28/11/2022, delivered 8-9-2022')).toEqual([['28/11/2022', '2022-11-28', false], ['8-9-2022', '2022-09-08', true]])
    expect(values('Issued 12/28/2022, delivered 8/9/2022')).toEqual([['12/28/2022', '2022-12-28', false], ['8/9/2022', '2022-08-09', true]])
  })

  it('falls back to the configured order, and to day first for dotted dates', () => {
    expect(values('Delivered 8-9-2022')).toEqual([['8-9-2022', '2022-09-08', true]])
    expect(values('Delivered 8-9-2022', 'mdy')).toEqual([['8-9-2022', '2022-08-09', true]])
    expect(values('Geliefert 08.09.2022', 'mdy')).toEqual([['08.09.2022', '2022-09-08', true]])
  })

  it('ignores impossible dates and numbers that only look like dates', () => {
    expect(values('31/02/2023 and 13/13/2023')).toEqual([])
    expect(values('Version 1.2.3, phone 020-123-4567, ref 12/34/5678/90')).toEqual([])
  })

  it('reports the page each date is on', () => {
    const found = findDates([page('nothing here'), page('Due 01/15/2024', 2)])
    expect(found).toEqual([{ value: '2024-01-15', text: '01/15/2024', page: 2, ambiguous: false }])
  })
})
