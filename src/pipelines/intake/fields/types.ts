/**
 * What the intake pipeline extracts from a document's text. Every value keeps the text it was
 * read from and the page it is on, so a person can check it against the document.
 */

export interface PageTextInput { number: number, text: string }

export interface FoundEmail { value: string, page: number }

export interface FoundPhone {
  /** E.164, e.g. `+31201234567`. */
  value: string
  text: string
  country: string | null
  page: number
}

export type DateOrder = 'dmy' | 'mdy'

export interface FoundDate {
  /** ISO 8601 calendar date, e.g. `2023-03-20`. */
  value: string
  text: string
  page: number
  /** True when day and month could be swapped (`8-9-2022`) and the document's convention decided. */
  ambiguous: boolean
}

export interface FoundAmount {
  value: number
  /** ISO 4217 code when a sign or code was printed next to the amount. */
  currency: string | null
  text: string
  page: number
  /** The words before the amount on its line (`Total due`), when there are any. */
  label: string | null
  /** True for the one amount the document labels as what is to be paid (total, amount due, Totaal, Total TTC…). */
  total: boolean
}

export interface FoundIban { value: string, text: string, country: string, page: number }

export type IdentifierKind = 'invoice' | 'account' | 'customer' | 'order' | 'reference'

export interface FoundIdentifier { kind: IdentifierKind, value: string, label: string, page: number }

export interface ExtractedFields {
  emails: FoundEmail[]
  phones: FoundPhone[]
  dates: FoundDate[]
  amounts: FoundAmount[]
  ibans: FoundIban[]
  invoiceNumbers: FoundIdentifier[]
  accountNumbers: FoundIdentifier[]
  otherIdentifiers: FoundIdentifier[]
  /** The amount flagged `total`, repeated here for convenience; null when none is labelled. */
  total: FoundAmount | null
}
