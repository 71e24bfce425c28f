/** Runs every field extractor over a document's pages. */
import type { CountryCode } from 'libphonenumber-js'
import { findAmounts } from './amounts.ts'
import { findDates } from './dates.ts'
import { findEmails } from './emails.ts'
import { findIbans } from './ibans.ts'
import { findIdentifiers } from './identifiers.ts'
import { findPhones } from './phones.ts'
import type { DateOrder, ExtractedFields, PageTextInput } from './types.ts'

export interface ExtractionOptions {
  /** Region for phone numbers printed without a country prefix; none: only `+…` numbers. */
  phoneRegion?: CountryCode
  /** How to read `8-9-2022` when the document itself does not tell. */
  dateOrder?: DateOrder
}

export function extractFields (pages: readonly PageTextInput[], options: ExtractionOptions = {}): ExtractedFields {
  const amounts = findAmounts(pages)
  const identifiers = findIdentifiers(pages)
  const ibans = findIbans(pages)
  const isIbanStart = (value: string) => ibans.some(iban => iban.value.startsWith(value))
  return {
    emails: findEmails(pages),
    phones: findPhones(pages, options.phoneRegion),
    dates: findDates(pages, options.dateOrder),
    amounts,
    ibans,
    invoiceNumbers: identifiers.filter(id => id.kind === 'invoice'),
    // An IBAN printed as the "account number" is reported once, as an IBAN (the label match stops at its first space).
    accountNumbers: identifiers.filter(id => (id.kind === 'account' || id.kind === 'customer') && !isIbanStart(id.value)),
    otherIdentifiers: identifiers.filter(id => id.kind === 'order' || id.kind === 'reference'),
    total: amounts.find(amount => amount.total) ?? null
  }
}

export type { ExtractedFields, PageTextInput } from './types.ts'
