import { describe, expect, it } from 'vitest'
import { detectDecimalSeparator, parseNumber } from './parse-number.ts'

describe('parseNumber', () => {
  it.each([
    ['1234.5', '.', 1234.5],
    ['-12', '.', -12],
    ['$1,234.56', '.', 1234.56],
    ['($4,533.75)', '.', -4533.75],
    ['4533.75-', '.', -4533.75],
    ['-', '.', 0],
    ['–', ',', 0],
    ['12.5%', '.', 12.5],
    ['1.234,56', ',', 1234.56],
    ['€ 1.234,56', ',', 1234.56],
    ['1 234,56 €', ',', 1234.56],
    ["1'234.50", '.', 1234.5],
    ['EUR 99.90', '.', 99.9],
    ['-$12.00', '.', -12],
    ['1e3', '.', 1000],
    [' $-   ', '.', 0],
    [' $ -  ', '.', 0],
    ['($-)', '.', 0],
    ['€ –', ',', 0],
    [' $32,370.00 ', '.', 32370],
    [' $(4,533.75)', '.', -4533.75]
  ] as const)('reads %s with decimal %s as %d', (cell, decimal, expected) => {
    expect(parseNumber(cell, decimal)).toBeCloseTo(expected, 9)
  })

  it('tells empty cells from text that is not a number', () => {
    expect(parseNumber('', '.')).toBeNull()
    expect(parseNumber('   ', '.')).toBeNull()
    expect(parseNumber('n/a', '.')).toBeNaN()
    expect(parseNumber('12abc', '.')).toBeNaN()
    expect(parseNumber('0x1A', '.')).toBeNaN()
    expect(parseNumber('Infinity', '.')).toBeNaN()
  })
})

describe('detectDecimalSeparator', () => {
  it('is settled by a value with both separators', () => {
    expect(detectDecimalSeparator(['1.234,56', '12'], ',')).toBe(',')
    expect(detectDecimalSeparator(['1,234.56', '12'], ',')).toBe('.')
  })

  it('reads 12,5 as a decimal comma and 1,234 alone as a weak thousands hint', () => {
    expect(detectDecimalSeparator(['12,5', '3,75'], ',')).toBe(',')
    expect(detectDecimalSeparator(['1,234', '5,678'], ',')).toBe('.')
  })

  it('falls back to the delimiter: semicolon files use decimal commas', () => {
    expect(detectDecimalSeparator(['12', '13'], ';')).toBe(',')
    expect(detectDecimalSeparator(['12', '13'], ',')).toBe('.')
  })
})
