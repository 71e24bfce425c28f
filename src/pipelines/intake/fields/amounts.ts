/**
 * Money amounts: a number with a currency sign or code before or after it (`€ 1.234,56`,
 * `1 234,56 EUR`, `$1,234.56`, `CHF 1'234.50`), or a number with two decimals after a money
 * label (`Total: 1,234.56`). The amount the document labels as what is to be paid gets `total`.
 */
import { parseAmount } from './parse-amount.ts'
import type { FoundAmount, PageTextInput } from './types.ts'

const SIGNS: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₣': 'CHF' }
const CODES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'INR', 'CNY', 'ZAR', 'BRL', 'MXN', 'SGD', 'HKD']
const CURRENCY = `(?:[€$£¥₹₣]|\\b(?:${CODES.join('|')})\\b)`
const NUMBER = String.raw`[-−]?\d{1,3}(?:[.,'\u00A0\u202F ]\d{3})+(?:[.,]\d{1,2})?|[-−]?\d+(?:[.,]\d{1,2})?`
const BEFORE = new RegExp(`(${CURRENCY})\\s?(${NUMBER})(?![\\d.,]*\\d)`, 'g')
const AFTER = new RegExp(`(?<![\\d.,])(${NUMBER})\\s?(${CURRENCY})`, 'g')
const MONEY_LABEL = /(total|totaal|amount|bedrag|montant|betrag|summe|importe|subtotal|sub-total|balance|due|te betalen|à payer|a payer|tax|vat|btw|tva|mwst|price|prijs|prix|preis|fee|charge)/i
const LABELLED = new RegExp(`(?<![\\d.,])(${NUMBER})(?![\\d.,]*\\d)`, 'g')

/** Labels that name what is to be paid, strongest first; subtotals and pre-tax totals excluded. */
const TOTAL_LABELS: RegExp[] = [
  /amount due|balance due|total due|te betalen|à payer|net à payer|zu zahlen|grand total|total ttc|totaal incl|total incl|gesamtbetrag|montant total|importe total/i,
  /\b(total|totaal|totale|summe|bedrag)\b/i
]
const NOT_TOTAL = /sub-?total|subtotaal|excl|exkl|\bht\b|before tax|hors tax|\b(total|totaal)\s+(vat|tax|btw|tva|mwst)\b/i

export function findAmounts (pages: readonly PageTextInput[]): FoundAmount[] {
  const found: FoundAmount[] = []
  for (const page of pages) {
    const onPage: Array<FoundAmount & { index: number, end: number }> = []
    const add = (index: number, text: string, printedNumber: string, currency: string | null) => {
      const value = parseAmount(printedNumber)
      if (value === null || onPage.some(a => index < a.end && a.index < index + text.length)) return
      onPage.push({ value, currency, text: text.trim(), page: page.number, label: labelBefore(page.text, index), total: false, index, end: index + text.length })
    }
    for (const m of page.text.matchAll(BEFORE)) add(m.index, m[0], m[2] ?? '', currencyCode(m[1] ?? ''))
    for (const m of page.text.matchAll(AFTER)) add(m.index, m[0], m[1] ?? '', currencyCode(m[2] ?? ''))
    for (const m of page.text.matchAll(LABELLED)) {
      const printed = m[1] ?? ''
      if (!/[.,]\d{2}$/.test(printed)) continue
      const label = labelBefore(page.text, m.index)
      if (label && MONEY_LABEL.test(label)) add(m.index, m[0], printed, null)
    }
    found.push(...onPage.sort((a, b) => a.index - b.index).map(({ index, end, ...amount }) => amount))
  }
  flagTotal(found)
  return found
}

function flagTotal (amounts: FoundAmount[]): void {
  for (const pattern of TOTAL_LABELS) {
    const candidates = amounts.filter(a => a.label && pattern.test(a.label) && !NOT_TOTAL.test(a.label) && a.value > 0)
    if (candidates.length === 0) continue
    // Several totals (per section, then overall): the overall one is the largest.
    const total = candidates.reduce((best, next) => next.value > best.value ? next : best)
    total.total = true
    return
  }
}

/** The words on the same line before `index`, without trailing separators: `Total due:` → `Total due`. */
function labelBefore (text: string, index: number): string | null {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1
  const label = text.slice(lineStart, index).replace(/[\s:=.\-–|]+$/u, '').trim().slice(-60)
  return /\p{L}/u.test(label) ? label : null
}

function currencyCode (printed: string): string | null {
  return SIGNS[printed] ?? (CODES.includes(printed) ? printed : null)
}
