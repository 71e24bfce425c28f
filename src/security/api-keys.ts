/**
 * Checks a presented API key against the configured ones in constant time: every key is
 * compared (no early exit on a match), and the comparison runs on SHA-256 digests, so neither
 * the position of the first differing byte nor a key's length shows in the response time.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()

export type ApiKeyMatcher = (presented: string) => boolean

export function createApiKeyMatcher (keys: readonly string[]): ApiKeyMatcher {
  const digests = keys.map(digest)
  return presented => {
    const candidate = digest(presented)
    let matched = false
    for (const known of digests) matched = timingSafeEqual(candidate, known) || matched
    return matched
  }
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined when it is not one. */
export function bearerToken (header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '')
  return match?.[1]
}
