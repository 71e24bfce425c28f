/**
 * Stage 2: a SHA-256 of every file, streamed from disk. It identifies the archived copy, and
 * the same file uploaded twice in one submission is flagged.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { IntakeState } from '../state.ts'

export async function fingerprintFiles (ctx: StageContext<IntakeState>): Promise<void> {
  const { documents } = ctx.state
  const seen = new Map<string, string>()
  for (const [index, document] of documents.entries()) {
    ctx.progress(index / documents.length, `Fingerprinting ${document.name}`, { file: document.name })
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(document.path, { signal: ctx.signal })) hash.update(chunk as Buffer)
    document.sha256 = hash.digest('hex')
    const twin = seen.get(document.sha256)
    if (twin !== undefined) document.warnings.push(`"${document.name}" has the same content as "${twin}".`)
    seen.set(document.sha256, document.name)
  }
}
