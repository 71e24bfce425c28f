/**
 * Google Drive archive: each upload becomes a file in DRIVE_FOLDER_ID, sent with a resumable
 * upload (large scans survive a dropped connection). The Drive file records the job id and
 * SHA-256 in `appProperties`, so an archived file can be traced back to its submission.
 */
import type { GoogleAuthHandle } from '../google/auth.ts'
import { uploadResumable } from '../google/resumable-upload.ts'
import { DEFAULT_RETRY, type RetryPolicy } from '../google/retry.ts'
import type { ArchiveInput, ArchiveResult, FileArchive } from './types.ts'

export interface DriveArchiveOptions {
  google: GoogleAuthHandle
  folderId: string
  /** Defaults to Google's; the generated client's `rootUrl` does not apply to media uploads. */
  rootUrl?: string
  retry?: RetryPolicy
}

interface DriveFile { id: string, name?: string, webViewLink?: string }

export function createDriveArchive (options: DriveArchiveOptions): FileArchive {
  const root = (options.rootUrl ?? 'https://www.googleapis.com/').replace(/\/?$/, '/')
  const url = `${root}upload/drive/v3/files?uploadType=resumable&supportsAllDrives=true&fields=id,name,webViewLink`
  return {
    provider: 'drive',
    async store (file: ArchiveInput, { signal }): Promise<ArchiveResult> {
      const created = await uploadResumable<DriveFile>({
        client: options.google.client,
        url,
        metadata: {
          name: file.name,
          mimeType: file.type,
          parents: [options.folderId],
          appProperties: { stagecastJobId: file.jobId, sha256: file.sha256 }
        },
        path: file.path,
        bytes: file.bytes,
        contentType: file.type,
        policy: options.retry ?? DEFAULT_RETRY,
        signal
      })
      if (!created?.id) throw new Error('Google Drive accepted the upload but returned no file id.')
      return { provider: 'drive', location: created.webViewLink ?? `https://drive.google.com/file/d/${created.id}/view`, id: created.id }
    }
  }
}
