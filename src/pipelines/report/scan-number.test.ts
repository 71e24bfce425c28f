import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../samples/generate-sales.ts'
import { parseDecorated, type DecimalSeparator } from './parse-number.ts'
import { scanNumber } from './scan-number.ts'

describe('scanNumber', () => {
  it.each([
    ['1234.5', '.', 1234.5],
    ['-12', '.', -12],
    ['$1,234.56', '.', 1234.56],
    ['($4,533.75)', '.', -4533.75],
    ['-$12.00', '.', -12],
    ['$-12.00', '.', -12],
    ['(-$5)', '.', 5],
    ['12.5%', '.', 12.5],
    ['(12.5%)', '.', -12.5],
    ['1.234,56', ',', 1234.56],
    ['-€1.234,56', ',', -1234.56],
    ['0.1', '.', 0.1],
    ['007', '.', 7]
  ] as const)('reads %s with decimal %s as %d', (cell, decimal, expected) => {
    expect(scanNumber(cell, decimal)).toBe(expected)
  })

  it.each([
    ['', '.'], ['-', '.'], ['()', '.'], ['5.', '.'], ['.5', '.'], ['1e3', '.'], [' 12', '.'], ['4533.75-', '.'],
    ['1,234.56', ','], ['1.2.3', '.'], ['€ 1.234,56', ','], ['EUR 9', '.'], ['1234567890123456', '.'], ['-(5)', '.'], ['0x1A', '.']
  ] as const)('leaves %s (decimal %s) to the general reader', (cell, decimal) => {
    expect(scanNumber(cell, decimal)).toBeUndefined()
  })

  it('keeps the sign of a negative zero, as Number() does', () => {
    expect(Object.is(scanNumber('-0', '.'), -0)).toBe(true)
    expect(Object.is(scanNumber('(0.00)', '.'), -0)).toBe(true)
  })

  it('gives exactly the general reader\'s value for every cell it reads (random cells)', () => {
    const random = seededRandom(7)
    const alphabet = ['0', '1', '2', '5', '9', '.', ',', '-', '$', '€', '£', '(', ')', '%', ' ', 'E', '+', '\u00a0', "'"]
    let read = 0
    for (let n = 0; n < 200_000; n++) {
      const length = 1 + Math.floor(random() * 12)
      let cell = ''
      for (let i = 0; i < length; i++) cell += alphabet[Math.floor(random() * alphabet.length)]
      for (const decimal of ['.', ','] as DecimalSeparator[]) {
        const scanned = scanNumber(cell, decimal)
        if (scanned === undefined) continue
        read++
        const general = parseDecorated(cell, decimal)
        if (!Object.is(scanned, general)) expect({ cell, decimal, scanned }).toEqual({ cell, decimal, scanned: general })
      }
    }
    // The random cells must exercise the scan, or the comparison above proves nothing.
    expect(read).toBeGreaterThan(5000)
  })

  it('gives exactly Number()\'s double for plain decimals of up to 15 digits', () => {
    const random = seededRandom(11)
    for (let n = 0; n < 100_000; n++) {
      const digits = 1 + Math.floor(random() * 15)
      let text = ''
      for (let i = 0; i < digits; i++) text += Math.floor(random() * 10)
      const point = Math.floor(random() * digits)
      const cell = point === 0 ? text : `${text.slice(0, point)}.${text.slice(point)}`
      if (scanNumber(cell, '.') !== Number(cell)) expect(scanNumber(cell, '.')).toBe(Number(cell))
    }
  })
})
