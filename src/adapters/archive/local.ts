/**
 * The default archive: a copy of each upload in `DATA_DIR/archive/<job id>/`. The client's file
 * name is reduced to safe characters so it can never leave that folder. The location it reports
 * is relative to DATA_DIR (`archive/<job id>/<file>`): results reach clients, and a server path
 * would tell them how the host is laid out.
 */
import { constants } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { dataDirRelative } from '../data-dir-relative.ts'
import type { ArchiveInput, ArchiveResult, FileArchive } from './types.ts'

export function createLocalArchive (dataDir: string): FileArchive {
  const root = join(dataDir, 'archive')
  return {
    provider: 'local',
    async store (file: ArchiveInput, { signal }): Promise<ArchiveResult> {
      signal.throwIfAborted()
      const folder = join(root, safeSegment(file.jobId))
      await mkdir(folder, { recursive: true })
      const target = join(folder, `${file.sha256.slice(0, 12)}-${safeFileName(file.name)}`)
      // Copy-on-write where the filesystem supports it, a plain copy elsewhere.
      await copyFile(file.path, target, constants.COPYFILE_FICLONE)
      return { provider: 'local', location: dataDirRelative(dataDir, target) }
    }
  }
}

export function safeFileName (name: string): string {
  const base = name.split(/[/\\]/).pop() ?? ''
  const cleaned = base.normalize('NFC').replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^[.\s]+/, '').slice(-120)
  return cleaned || 'document'
}

const safeSegment = (value: string) => value.replace(/[^A-Za-z0-9-]/g, '_')
