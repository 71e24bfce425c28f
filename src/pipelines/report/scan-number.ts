/**
 * The validation pass reads millions of cells, nearly all in a few shapes: `1234.5`, `-12`,
 * `$1,234.56`, `($4,533.75)`, `1.234,56`, `12.5%`. This reads those in one scan over the
 * characters, with no regular expression and no intermediate string (the general reader in
 * parse-number.ts spends ~0.7 µs per decorated cell on them). Anything else returns undefined
 * and goes to the general reader, which reads these shapes to the same value.
 *
 * Exactness: at most 15 digits make an integer below 2^53, and 10^k is exact for k ≤ 22, so
 * `digits / 10^k` is one correctly rounded division — the same double `Number()` returns for
 * the decimal text (Clinger's fast path).
 */
import type { DecimalSeparator } from './parse-number.ts'

const MAX_DIGITS = 15
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k)

const OPEN = 40 // (
const CLOSE = 41 // )
const PERCENT = 37 // %
const MINUS = 45 // -
const DOT = 46
const COMMA = 44

/** `$ € £ ¥`: currency signs written right before the digits. */
const isCurrencySign = (code: number) => code === 36 || code === 0x20ac || code === 0xa3 || code === 0xa5

export function scanNumber (cell: string, decimal: DecimalSeparator): number | undefined {
  const point = decimal === '.' ? DOT : COMMA
  const group = decimal === '.' ? COMMA : DOT
  let start = 0
  let end = cell.length
  let negative = false
  if (cell.charCodeAt(0) === OPEN && cell.charCodeAt(end - 1) === CLOSE) {
    negative = true
    start = 1
    end--
  }
  if (cell.charCodeAt(end - 1) === PERCENT) end--
  let signs = 0
  if (cell.charCodeAt(start) === MINUS) {
    signs++
    start++
  }
  if (isCurrencySign(cell.charCodeAt(start))) start++
  if (signs === 0 && cell.charCodeAt(start) === MINUS) {
    signs++
    start++
  }
  if (signs > 0) negative = !negative
  const first = cell.charCodeAt(start)
  if (!(first >= 48 && first <= 57)) return undefined
  let mantissa = 0
  let digits = 0
  // Digits after the decimal separator; -1 until one is seen.
  let fraction = -1
  for (let i = start; i < end; i++) {
    const code = cell.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48)
      digits++
      if (fraction >= 0) fraction++
    } else if (fraction < 0 && code === point) {
      fraction = 0
    } else if (fraction < 0 && code === group) {
      continue
    } else {
      return undefined
    }
  }
  if (digits > MAX_DIGITS || fraction === 0) return undefined
  const value = fraction > 0 ? mantissa / (POWERS_OF_TEN[fraction] as number) : mantissa
  return negative ? -value : value
}
