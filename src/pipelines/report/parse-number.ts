/**
 * Reads numbers the way finance exports write them: currency symbols and codes, thousands
 * separators (`,` `.` space, apostrophe), decimal commas (`1.234,56`), accounting negatives
 * (`($4,533.75)`), trailing minus (`4533.75-`), a lone dash for zero (also after a currency sign,
 * `$-`, as accounting formats print zero), and percents. The decimal
 * separator is decided once per file from the sample, because `1,234` alone cannot say.
 */

import { scanNumber } from './scan-number.ts'

export type DecimalSeparator = '.' | ','

const DASHES = new Set(['-', '–', '—'])
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const CURRENCY = /\p{Sc}|^(?:[A-Z]{3}|R\$|kr|Fr\.?|CHF)\s*|\s*(?:[A-Z]{3}|kr|Fr\.?|CHF)$/gu
const GROUPING_SPACES = /[\s\u00a0\u202f']/g

/**
 * `null` for an empty cell, `NaN` for text that is not a number, else the value (percents in
 * percent units: `12.5%` is 12.5).
 */
export function parseNumber (cell: string, decimal: DecimalSeparator): number | null {
  if (cell.length === 0) return null
  const scanned = scanNumber(cell, decimal)
  if (scanned !== undefined) return scanned
  if (decimal === '.') {
    // Plain numbers the scan leaves out (exponents, surrounding spaces, long digit runs). Unary
    // plus alone would also accept hex (`0x1A`) and `Infinity`, which no export means as numbers.
    const value = +cell
    if (!Number.isNaN(value) && value !== Infinity && value !== -Infinity && !(cell.length > 1 && cell.charCodeAt(0) === 48 && (cell.charCodeAt(1) | 32) > 97)) {
      const last = cell.charCodeAt(cell.length - 1)
      if ((last >= 48 && last <= 57) || last === 46) return value
    }
  }
  return parseDecorated(cell, decimal)
}

/** The general reader: every shape this module accepts (scan-number.ts is its fast path). */
export function parseDecorated (cell: string, decimal: DecimalSeparator): number | null {
  let text = cell.trim()
  if (text === '') return null
  if (DASHES.has(text)) return 0
  let negative = false
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true
    text = text.slice(1, -1).trim()
  }
  text = text.replace(CURRENCY, '').trim()
  // Accounting exports write zero as a dash after the currency sign: `$-`, `$ -`, `($-)`.
  if (DASHES.has(text)) return 0
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = !negative
    text = text.slice(1, -1).trim()
  }
  if (text.endsWith('%')) text = text.slice(0, -1).trim()
  if (text.endsWith('-') && text.length > 1) {
    negative = !negative
    text = text.slice(0, -1)
  }
  if (text.startsWith('-') || text.startsWith('−')) {
    negative = !negative
    text = text.slice(1)
  } else if (text.startsWith('+')) {
    text = text.slice(1)
  }
  text = text.replace(CURRENCY, '').replace(GROUPING_SPACES, '')
  if (DASHES.has(text)) return 0
  text = decimal === '.' ? text.replaceAll(',', '') : text.replaceAll('.', '').replace(',', '.')
  if (!PLAIN_NUMBER.test(text)) return Number.NaN
  const value = Number(text)
  return negative ? -value : value
}

/** Whether a cell is written as a percent; percent columns are averaged, not summed. */
export const isPercentCell = (cell: string): boolean => cell.trimEnd().endsWith('%')

/**
 * Decides the file's decimal separator from sample cells: a value with both separators settles it
 * (the last one is the decimal); `12,5` votes for a comma; `1,234` alone is only a weak hint.
 * With no evidence, semicolon-separated files (the European Excel default) get a decimal comma.
 */
export function detectDecimalSeparator (cells: Iterable<string>, delimiter: string): DecimalSeparator {
  let strongDot = 0
  let strongComma = 0
  let weakDot = 0
  let weakComma = 0
  for (const raw of cells) {
    const cell = raw.replace(CURRENCY, '').replace(/[\s\u00a0\u202f'()%+-]/g, '')
    if (!/^[\d.,]+$/.test(cell) || !/\d/.test(cell)) continue
    const dot = cell.lastIndexOf('.')
    const comma = cell.lastIndexOf(',')
    if (dot >= 0 && comma >= 0) {
      if (dot > comma) strongDot++
      else strongComma++
    } else if (comma >= 0) {
      if (/^\d{1,3}(,\d{3})+$/.test(cell)) weakDot++
      else if (/^\d*,\d+$/.test(cell)) strongComma++
    } else if (dot >= 0) {
      if (/^\d{1,3}(\.\d{3})+$/.test(cell)) weakComma++
      else if (/^\d*\.\d+$/.test(cell)) strongDot++
    }
  }
  if (strongDot !== strongComma) return strongDot > strongComma ? '.' : ','
  if (weakDot !== weakComma) return weakDot > weakComma ? '.' : ','
  return delimiter === ';' ? ',' : '.'
}
