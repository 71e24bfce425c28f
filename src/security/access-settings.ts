/**
 * Parses the access-related settings that a JSON schema cannot check on its own. Each error
 * names the variable, so a bad deployment stops at start-up with a message saying what to fix.
 */

const MIN_API_KEY_LENGTH = 16
const MIN_TOKEN_SECRET_LENGTH = 32

/** `API_KEYS`: comma-separated; empty means the API is open (job ids are the capability). */
export function parseApiKeys (value: string): string[] {
  const keys = value.split(',').map(key => key.trim()).filter(Boolean)
  for (const key of keys) {
    if (key.length < MIN_API_KEY_LENGTH) {
      throw new Error(`API_KEYS: every key must be at least ${MIN_API_KEY_LENGTH} characters long (one has ${key.length}); generate one with \`openssl rand -base64 32\`.`)
    }
    if (!/^[\x21-\x7e]+$/.test(key)) {
      throw new Error('API_KEYS: keys may only contain printable ASCII characters without spaces (they travel in an HTTP header).')
    }
  }
  return keys
}

/** `TOKEN_SECRET`: empty (a random secret per process) or long enough to resist guessing. */
export function checkTokenSecret (value: string): void {
  if (value !== '' && value.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new Error(`TOKEN_SECRET must be at least ${MIN_TOKEN_SECRET_LENGTH} characters long; generate one with \`openssl rand -base64 48\`.`)
  }
}

export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean)

/** Fastify's `trustProxy`: `true`/`false`, a hop count, or a list that `proxy-addr` understands. */
export function parseTrustProxy (value: string): TrustProxy {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed === 'false') return false
  if (trimmed === 'true') return true
  if (/^\d+$/.test(trimmed)) {
    // Trust the n nearest hops, as proxy-addr does for a number (Fastify's types take only a function).
    const hops = Number(trimmed)
    return (_address, hop) => hop < hops
  }
  const entries = trimmed.split(',').map(entry => entry.trim())
  const named = new Set(['loopback', 'linklocal', 'uniquelocal'])
  for (const entry of entries) {
    if (!named.has(entry) && !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR range, "loopback", "linklocal" or "uniquelocal"; use true, false or a hop count otherwise.`)
    }
  }
  return entries.join(',')
}
