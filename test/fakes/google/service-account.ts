/** A throwaway Google service-account key (fresh RSA pair) for tests against the fake server. */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface TestServiceAccount {
  keyFile: string
  email: string
  publicKey: KeyObject
}

export async function writeServiceAccountKey (dir: string): Promise<TestServiceAccount> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const email = 'stagecast-test@stagecast-test.iam.gserviceaccount.com'
  const keyFile = join(dir, 'service-account.json')
  await writeFile(keyFile, JSON.stringify({
    type: 'service_account',
    project_id: 'stagecast-test',
    private_key_id: randomUUID(),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: email,
    client_id: '100000000000000000001',
    // google-auth-library ignores this and posts to Google's URL; the tests redirect it.
    token_uri: 'https://oauth2.googleapis.com/token'
  }))
  return { keyFile, email, publicKey }
}
