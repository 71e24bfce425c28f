/**
 * Invoice, account, customer, order and payment-reference numbers, each with the label it was
 * printed under (`Invoice no.`, `Factuurnummer`, `Customer ID`), in English, Dutch, French,
 * German and Spanish. A value must contain a digit, so `Invoice date` is not read as a number, and
 * except for invoices the label needs a number word or a colon, so prose (`in order 12`) is not.
 */
import type { FoundIdentifier, IdentifierKind, PageTextInput } from './types.ts'

const NUMBER_WORD = String.raw`(?:[^\S\n]*(?:number|num(?:ber|éro|ero)?\.?|no\.?|nr\.?|n[°º]\.?|#|id|nummer|numéro|número|ref\.?))`
const LABELS: Array<[IdentifierKind, string]> = [
  ['invoice', String.raw`invoice|inv\.|factuur|facture|rechnung|factura`],
  ['account', String.raw`account|acct\.?|rekening|compte|konto|cuenta`],
  ['customer', String.raw`customer|client|klant|kunden|cliente|debiteur`],
  ['order', String.raw`order|purchase order|po|bestelling|commande|bestellung|pedido`],
  ['reference', String.raw`payment reference|reference|betalingskenmerk|kenmerk|référence|referenz|referencia`]
]
// Label words glued to the number word (`Factuurnummer`, `Rechnungsnummer`, `Kundennummer`).
const GLUED = String.raw`(?:s?nummer|s?nr\.?)`
const VALUE = String.raw`([A-Z0-9][A-Z0-9/_.-]{1,40}[A-Z0-9]|[A-Z0-9]{2})`

const PATTERNS = LABELS.map(([kind, words]) => ({
  kind,
  pattern: new RegExp(`(?<![\\p{L}])((?:${words})(${GLUED})?(?![\\p{L}])(${NUMBER_WORD})?)[^\\S\\n]*([:#.])?[^\\S\\n]*${VALUE}`, 'giu')
}))

export function findIdentifiers (pages: readonly PageTextInput[]): FoundIdentifier[] {
  const found: FoundIdentifier[] = []
  const seen = new Set<string>()
  for (const page of pages) {
    for (const { kind, pattern } of PATTERNS) {
      pattern.lastIndex = 0
      for (let match = pattern.exec(page.text); match; match = pattern.exec(page.text)) {
        const [, labelText = '', glued, numberWord, separator, value = ''] = match
        // Only "Invoice 2024-001" is common without a number word or a colon; "order 12" is prose.
        if (!/\d/.test(value) || (kind !== 'invoice' && !glued && !numberWord && !separator)) {
          // Look again right after this label: the next word may start a real one ("… Invoice\nInvoice no. 12").
          pattern.lastIndex = match.index + Math.max(1, labelText.length)
          continue
        }
        const label = labelText.trim()
        const key = `${kind}:${value}`
        if (seen.has(key)) continue
        seen.add(key)
        found.push({ kind, value, label, page: page.number })
      }
    }
  }
  return found
}
