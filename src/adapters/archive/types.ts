/**
 * The archive port: where the intake pipeline keeps a copy of every uploaded document.
 * Implementations: local.ts (a folder under DATA_DIR) and drive.ts (a Google Drive folder).
 */

export interface ArchiveInput {
  /** The upload on disk; read afresh for every attempt. */
  path: string
  /** The name the client gave; used as the archived file's display name only. */
  name: string
  type: string
  bytes: number
  sha256: string
  jobId: string
}

export interface ArchiveResult {
  provider: 'local' | 'drive'
  /** Relative to DATA_DIR (local: `archive/<job id>/<file>`), or a link a person can open (Drive); never a server path. */
  location: string
  /** The provider's own id, when it has one (Drive file id). */
  id?: string
}

export interface FileArchive {
  readonly provider: ArchiveResult['provider']
  store: (file: ArchiveInput, options: { signal: AbortSignal }) => Promise<ArchiveResult>
}
