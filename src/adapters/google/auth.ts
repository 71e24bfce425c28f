/**
 * The one Google auth client of the process, from the service-account key file named by
 * GOOGLE_APPLICATION_CREDENTIALS; Sheets, Drive and Vision all share it and its token cache.
 *
 * google-auth-library ignores the key's `token_uri` and always posts the JWT exchange to Google's
 * token URL. `tokenUrl` (tests only: a local fake Google) redirects that one URL with a request
 * interceptor on the client's own transporter, so the real library code runs unchanged.
 */
import { readFile } from 'node:fs/promises'
import type { AuthClient, GoogleAuth } from 'google-auth-library'

export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets',
  // Uploading into a folder someone shared with the service account needs more than drive.file.
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/cloud-vision'
]

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'

export interface GoogleAuthHandle {
  auth: GoogleAuth
  client: AuthClient
}

export async function createGoogleAuth (keyFile: string, options: { tokenUrl?: string } = {}): Promise<GoogleAuthHandle> {
  const key = await readServiceAccountKey(keyFile)
  // Loaded only when Google is configured: the library costs ~23 MB of RSS.
  const { GoogleAuth, JWT } = await import('google-auth-library')
  // Built from the checked key rather than `keyFilename`: the library would accept any
  // credential type from that file, including ones that run programs (hence its deprecation).
  const client = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: GOOGLE_SCOPES })
  // The Vision library flips its GoogleAuth to self-signed JWTs; pinning the shared client to
  // the token exchange keeps one access token (and one behaviour) for Sheets, Drive and Vision.
  client.useJWTAccessWithScope = false
  const auth = new GoogleAuth({ authClient: client, ...(key.project_id ? { projectId: key.project_id } : {}) })
  const { tokenUrl } = options
  if (tokenUrl) {
    client.transporter.interceptors.request.add({
      resolved: async config => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl)
        return config
      }
    })
  }
  return { auth, client }
}

interface ServiceAccountKey { client_email: string, private_key: string, private_key_id?: string, project_id?: string }

async function readServiceAccountKey (keyFile: string): Promise<ServiceAccountKey> {
  const problem = (what: string) => new Error(`GOOGLE_APPLICATION_CREDENTIALS (${keyFile}) ${what}. Point it at a service-account key file (JSON) downloaded from the Google Cloud console.`)
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(keyFile, 'utf8'))
  } catch (error) {
    throw problem(`could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const key = parsed as Partial<ServiceAccountKey> & { type?: unknown }
  if (key.type !== 'service_account') throw problem(`is not a service-account key (type: ${String(key.type)})`)
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') throw problem('lacks client_email or private_key')
  return key as ServiceAccountKey
}
