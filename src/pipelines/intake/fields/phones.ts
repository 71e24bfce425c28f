/**
 * Phone numbers, found and validated with libphonenumber-js (Google's libphonenumber metadata).
 * Numbers written without a country prefix are only recognised when a default region is given,
 * since `020 123 4567` means different things in different countries.
 */
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max'
import type { FoundPhone, PageTextInput } from './types.ts'

export function findPhones (pages: readonly PageTextInput[], defaultRegion?: CountryCode): FoundPhone[] {
  const seen = new Set<string>()
  const found: FoundPhone[] = []
  for (const page of pages) {
    const matches = findPhoneNumbersInText(page.text, defaultRegion ? { defaultCountry: defaultRegion } : {})
    for (const { number, startsAt, endsAt } of matches) {
      if (!number.isValid() || seen.has(number.number)) continue
      seen.add(number.number)
      found.push({ value: number.number, text: page.text.slice(startsAt, endsAt), country: number.country ?? null, page: page.number })
    }
  }
  return found
}
