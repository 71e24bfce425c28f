import { describe, expect, it } from 'vitest'
import { findAmounts } from './amounts.ts'
import { parseAmount } from './parse-amount.ts'

const find = (text: string) => findAmounts([{ number: 1, text }])

describe('parseAmount', () => {
  it('reads thousands separators and decimal marks the way they are printed', () => {
    expect(parseAmount('1,234.56')).toBe(1234.56)
    expect(parseAmount('1.234,56')).toBe(1234.56)
    expect(parseAmount('1 234,56')).toBe(1234.56)
    expect(parseAmount('1\u202F234,56')).toBe(1234.56)
    expect(parseAmount("1'234.50")).toBe(1234.5)
    expect(parseAmount('1234,5')).toBe(1234.5)
    expect(parseAmount('1.234.567')).toBe(1234567)
    expect(parseAmount('-12.00')).toBe(-12)
  })

  it('rejects numbers that are not amounts', () => {
    expect(parseAmount('1,23,4')).toBeNull()
    expect(parseAmount('1.234.56,7.8')).toBeNull()
    expect(parseAmount('12a')).toBeNull()
  })
})

describe('findAmounts', () => {
  it('finds currency signs and codes before or after the number', () => {
    const amounts = find('Unit price € 12,50\nShipping 4.95 EUR\nUS office: $1,234.56\nSwiss: CHF 1\'234.50')
    expect(amounts.map(a => [a.value, a.currency])).toEqual([[12.5, 'EUR'], [4.95, 'EUR'], [1234.56, 'USD'], [1234.5, 'CHF']])
    expect(amounts[0]?.label).toBe('Unit price')
  })

  it('flags the amount labelled as due, not the subtotal or the pre-tax total', () => {
    const amounts = find('Subtotal: € 1.000,00\nTotal HT 1.000,00 €\nTVA 20% 200,00 €\nTotal TTC 1.200,00 €')
    expect(amounts.filter(a => a.total).map(a => [a.label, a.value])).toEqual([['Total TTC', 1200]])
  })

  it('flags Dutch and English totals, including unlabelled currency', () => {
    expect(find('Totaal € 99,95').find(a => a.total)?.value).toBe(99.95)
    expect(find('Items 3\nAmount due: 1,234.56').find(a => a.total)).toMatchObject({ value: 1234.56, currency: null, label: 'Amount due' })
  })

  it('prefers "amount due" over a plain total', () => {
    const amounts = find('Total $500.00\nPaid $200.00\nBalance due $300.00')
    expect(amounts.filter(a => a.total).map(a => a.value)).toEqual([300])
  })

  it('does not read an unlabelled number without a currency as money', () => {
    expect(find('Order 12345 of 2024, 3 items, page 1.50')).toEqual([])
  })
})
