/**
 * Job ids are UUIDs in one spelling only: lowercase, without `urn:uuid:` or braces. Every id
 * that enters (the X-Job-Id header, a URL) is canonicalised here first, so `942DAE67-…` and
 * `942dae67-…` are the same job everywhere — in the store, on disk, after a restart.
 */
import { randomUUID } from 'node:crypto'

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ACCEPTED = /^(?:urn:uuid:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i

export const isCanonicalJobId = (id: string): boolean => CANONICAL.test(id)

/** The canonical form of a UUID as clients may write it, or undefined when it is not one. */
export function canonicalJobId (raw: string): string | undefined {
  return ACCEPTED.exec(raw.trim())?.[1]?.toLowerCase()
}

export const newJobId = (): string => randomUUID()
