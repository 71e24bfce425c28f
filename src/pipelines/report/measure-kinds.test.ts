import { describe, expect, it } from 'vitest'
import { detectRoles } from './roles.ts'

/** Shaped like the public "Financial Sample" workbook saved as CSV (accounting money cells). */
const financialHeader = ['Segment', 'Country', 'Product', 'Discount Band', 'Units Sold', 'Manufacturing Price', 'Sale Price', 'Gross Sales', 'Discounts', 'Sales', 'COGS', 'Profit', 'Date', 'Month Number', 'Month Name', 'Year']
const financialRows = [
  ['Government', 'Canada', 'Carretera', 'None', ' 1,618.50 ', ' $3.00 ', ' $20.00 ', ' $32,370.00 ', ' $-   ', ' $32,370.00 ', ' $16,185.00 ', ' $16,185.00 ', '01/01/2014', '1', 'January', '2014'],
  ['Government', 'Germany', 'Carretera', 'None', ' 1,321.00 ', ' $3.00 ', ' $20.00 ', ' $26,420.00 ', ' $-   ', ' $26,420.00 ', ' $13,210.00 ', ' $13,210.00 ', '01/01/2014', '1', 'January', '2014'],
  ['Midmarket', 'France', 'Montana', 'Low', ' 2,178.00 ', ' $5.00 ', ' $15.00 ', ' $32,670.00 ', ' $326.70 ', ' $32,343.30 ', ' $21,780.00 ', ' $10,563.30 ', '01/06/2014', '6', 'June', '2014'],
  ['Enterprise', 'Mexico', 'Paseo', 'High', ' 2,470.00 ', ' $10.00 ', ' $125.00 ', ' $308,750.00 ', ' $37,050.00 ', ' $271,700.00 ', ' $296,400.00 ', ' $(24,700.00)', '01/09/2013', '9', 'September', '2013']
]

/** Shaped like a public superstore export: Discount is a rate between 0 and 0.8. */
const superstoreHeader = ['Order Date', 'Region', 'Category', 'Sales', 'Quantity', 'Discount', 'Profit']
const superstoreRows = [
  ['11/8/2016', 'South', 'Furniture', '261.96', '2', '0', '41.9136'],
  ['6/12/2016', 'West', 'Office Supplies', '14.62', '2', '0', '6.8714'],
  ['10/11/2015', 'South', 'Furniture', '957.5775', '5', '0.45', '-383.031'],
  ['6/9/2014', 'West', 'Technology', '907.152', '6', '0.2', '90.7152']
]

describe('measure ranking and aggregation', () => {
  it('analyses money totals, then counts, and leaves unit prices out before Profit or COGS', () => {
    const roles = detectRoles(financialHeader, financialRows, '.', {})
    expect(roles.measures.map(measure => measure.name)).toEqual(['Gross Sales', 'Sales', 'COGS', 'Profit', 'Discounts', 'Units Sold'])
    expect(roles.measures.every(measure => measure.aggregation === 'sum')).toBe(true)
    expect(roles.notes.join(' ')).toMatch(/left out: Manufacturing Price, Sale Price/)
  })

  it('averages unit prices weighted by the quantity column, never sums them', () => {
    const roles = detectRoles(financialHeader, financialRows, '.', { measures: ['Sales', 'Sale Price', 'Manufacturing Price'] })
    const price = roles.measures.find(measure => measure.name === 'Sale Price')
    expect(price).toMatchObject({ aggregation: 'mean', kind: 'price', weight: { name: 'Units Sold' } })
    expect(roles.measures.find(measure => measure.name === 'Sales')).toMatchObject({ aggregation: 'sum', kind: 'revenue' })
    expect(roles.measures.find(measure => measure.name === 'Sales')?.weight).toBeUndefined()
  })

  it('averages a discount rate (weighted by Quantity) but sums a discount in money', () => {
    const roles = detectRoles(superstoreHeader, superstoreRows, '.', {})
    expect(roles.measures.map(measure => [measure.name, measure.kind, measure.aggregation])).toEqual([
      ['Sales', 'revenue', 'sum'], ['Profit', 'profit', 'sum'], ['Quantity', 'count', 'sum'], ['Discount', 'rate', 'mean']
    ])
    expect(roles.measures.find(measure => measure.name === 'Discount')?.weight?.name).toBe('Quantity')
    const financial = detectRoles(financialHeader, financialRows, '.', {})
    expect(financial.measures.find(measure => measure.name === 'Discounts')).toMatchObject({ kind: 'money', aggregation: 'sum' })
  })
})
