/**
 * Email addresses, deduplicated case-insensitively, in the order they first appear. OCR often
 * reads `name@example.org` as `name @example.org`, so one space either side of `@` is allowed.
 */
import type { FoundEmail, PageTextInput } from './types.ts'

// Deliberately simpler than RFC 5322: printed addresses, not every address the grammar allows.
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])? ?@ ?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g

export function findEmails (pages: readonly PageTextInput[]): FoundEmail[] {
  const seen = new Set<string>()
  const found: FoundEmail[] = []
  for (const page of pages) {
    for (const match of page.text.matchAll(EMAIL)) {
      const [local, domain] = splitAt(match[0].replace(/ /g, ''))
      const value = `${local}@${domain.toLowerCase()}`
      if (seen.has(value.toLowerCase())) continue
      seen.add(value.toLowerCase())
      found.push({ value, page: page.number })
    }
  }
  return found
}

function splitAt (address: string): [string, string] {
  const at = address.lastIndexOf('@')
  return [address.slice(0, at), address.slice(at + 1)]
}
