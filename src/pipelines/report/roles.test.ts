import { describe, expect, it } from 'vitest'
import { JobFailure } from '../../errors.ts'
import { detectRoles } from './roles.ts'

const header = ['Row ID', 'Order Number', 'Order Date', 'Year', 'Month Number', 'Postal Code', 'Country', 'Product Line', 'Quantity', 'Sales', 'Discount']
const rows = Array.from({ length: 30 }, (_, i) => [
  String(i + 1), String(50000 + i * 7), `2024-01-${String(i % 28 + 1).padStart(2, '0')}`, '2024', '1', `0${1000 + i}`,
  i % 2 ? 'Deutschland' : 'France', i % 3 ? 'Bikes' : 'Parts', String(1 + (i % 5)), `$${100 + i}.50`, `${i % 10}%`
])

describe('detectRoles', () => {
  it('finds the date, region and department, and keeps identifiers and date parts out of the measures', () => {
    const roles = detectRoles(header, rows, '.', {})
    expect(header[roles.date]).toBe('Order Date')
    expect(roles.region === null ? null : header[roles.region]).toBe('Country')
    expect(roles.department === null ? null : header[roles.department]).toBe('Product Line')
    expect(roles.measures.map(measure => measure.name)).toEqual(['Sales', 'Quantity', 'Discount'])
    expect(roles.measures.find(measure => measure.name === 'Discount')?.aggregation).toBe('mean')
    expect(roles.notes.join(' ')).toMatch(/Order Number.*identifier/)
  })

  it('lets form fields override detection, with "none" switching a grouping off', () => {
    const roles = detectRoles(header, rows, '.', { measures: ['Quantity'], regionColumn: null, departmentColumn: 'Country' })
    expect(roles.measures.map(measure => measure.name)).toEqual(['Quantity'])
    expect(roles.region).toBeNull()
    expect(roles.department === null ? null : header[roles.department]).toBe('Country')
  })

  it('names the columns when an override does not exist', () => {
    expect(() => detectRoles(header, rows, '.', { dateColumn: 'When' })).toThrow(/not a column of this file.*Order Date/)
  })

  it('fails with what to change when there is no date or no measure', () => {
    const error = (() => { try { detectRoles(['Name', 'Sales'], [['a', '1']], '.', {}) } catch (e) { return e } })()
    expect(error).toBeInstanceOf(JobFailure)
    expect((error as JobFailure).code).toBe('no_date_column')
    expect(() => detectRoles(['Date', 'Name'], [['2024-01-01', 'x']], '.', {})).toThrow(/No numeric column/)
  })
})
