/**
 * IBANs, checked with ibantools (country length, BBAN format and the mod-97 checksum), so a
 * reference number that merely looks like one is not reported.
 */
import { getCountrySpecifications, isValidIBAN } from 'ibantools'
import type { FoundIban, PageTextInput } from './types.ts'

const specifications = getCountrySpecifications()
// Printed in groups of four (`NL91 ABNA 0417 1643 00`) or in one run.
const CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ \u00A0]?[A-Z0-9]){10,30}/g

export function findIbans (pages: readonly PageTextInput[]): FoundIban[] {
  const seen = new Set<string>()
  const found: FoundIban[] = []
  for (const page of pages) {
    for (const match of page.text.matchAll(CANDIDATE)) {
      const iban = readIban(match[0])
      if (!iban || seen.has(iban.value)) continue
      seen.add(iban.value)
      found.push({ ...iban, page: page.number })
    }
  }
  return found
}

/** The candidate may run into the next word; the country's IBAN length says where it ends. */
function readIban (candidate: string): { value: string, text: string, country: string } | null {
  const country = candidate.slice(0, 2)
  const length = specifications[country]?.chars
  if (!length) return null
  let characters = 0
  let end = 0
  while (end < candidate.length && characters < length) {
    if (/[A-Z0-9]/.test(candidate[end] ?? '')) characters++
    end++
  }
  if (characters < length) return null
  const text = candidate.slice(0, end)
  const value = text.replace(/[\s\u00A0]/g, '')
  return isValidIBAN(value) ? { value, text, country } : null
}
