/** Verifies an RS256 JWT the way Google's token endpoint does: signature, issuer, expiry. */
import { createVerify, type KeyObject } from 'node:crypto'

export interface JwtClaims { iss?: string, aud?: string, scope?: string, exp?: number, iat?: number, [claim: string]: unknown }

export function verifyJwt (token: string, publicKey: KeyObject): JwtClaims | null {
  const [header, payload, signature] = token.split('.')
  if (!header || !payload || !signature) return null
  const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }
  if (alg !== 'RS256') return null
  const verifier = createVerify('RSA-SHA256')
  verifier.update(`${header}.${payload}`)
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return null
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return null
  return claims
}
