/**
 * Everything stagecast keeps under DATA_DIR, and how long each file lives. This is the only
 * module that spells the layout:
 *
 *   jobs.db              the embedded job store (SQLite; not used with REDIS_URL)
 *   uploads/<id>.<n>.upload  an upload's files (n = 1, 2…), written only by the request that
 *                        reserved <id>; removed when the job ends, or by the upload itself when
 *                        it is refused. Flat, without a folder per upload: on ext4 making and
 *                        removing a folder costs more than writing the file. (Older versions made
 *                        `uploads/<id>/<n>.upload`; such folders are still removed.)
 *   artifacts/<id>/      downloadable outputs a pipeline declares (report.pdf); removed when the
 *                        job's data is evicted or deleted
 *   scratch/<id>-XXXXXX/ a run's private working folder; removed when the run ends
 *   exports/             local exports and archives of the intake pipeline (kept)
 *
 * Every path is built from a canonical job id and names we choose, never from client input.
 * Removal never throws: a file that cannot be removed is logged and left, because no cleanup
 * failure may take down the server or a request.
 */
import { mkdirSync, unlinkSync } from 'node:fs'
import { readdir, rm, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Logger } from '../logger.ts'
import { prepareDataDir } from './data-dir-check.ts'
import { isCanonicalJobId } from './job-id.ts'
import type { JobInputFile } from './pipeline.ts'

export interface DataDir {
  root: string
  /** The embedded store's database file. */
  database: string
  /** Where the upload's file number `index` (from 1) is stored. */
  uploadFile: (jobId: string, index: number) => string
  artifactDir: (jobId: string) => string
  /** Parent of the per-run scratch folders. */
  scratchRoot: string
  exportsDir: string
  /**
   * Removes a job's upload files: `files` when known (the job's input), else every file
   * numbered from 1 up to the first that is missing.
   */
  removeUploads: (jobId: string, files?: readonly JobInputFile[]) => Promise<void>
  /** Removes a job's artifacts (its data was evicted or deleted). */
  removeArtifacts: (jobId: string) => Promise<void>
  /**
   * Removes what a crash left behind: upload, artifact-less scratch folders of jobs that no
   * longer own them. `owns(id)` says whether a live job or an upload in flight still needs it.
   */
  removeLeftovers: (owns: (jobId: string) => Promise<boolean>) => Promise<{ uploads: number, scratch: number }>
}

/** Lays out DATA_DIR (checked and created first: data-dir-check.ts) and owns its files. */
export function createDataDir (root: string, log: Logger): DataDir {
  prepareDataDir(root)
  const uploadsRoot = join(root, 'uploads')
  const scratchRoot = join(root, 'scratch')
  // Made now, so that an upload's file can be written without making folders first.
  try {
    mkdirSync(uploadsRoot)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const uploadFile = (jobId: string, index: number) => join(uploadsRoot, `${jobId}.${index}.upload`)
  /** Where an older version kept a job's uploads. */
  const legacyUploadDir = (jobId: string) => join(uploadsRoot, jobId)
  const artifactDir = (jobId: string) => join(root, 'artifacts', jobId)

  const logFailure = (what: string, jobId: string) => (error: unknown) => {
    log.error({ err: error, jobId }, `could not remove ${what}; it stays on disk`)
  }

  async function removeUploads (jobId: string, files: readonly JobInputFile[] = []): Promise<void> {
    try {
      if (files.length > 0) {
        for (const file of files) await removeFile(file)
      } else {
        let index = 1
        while (await removeFile({ path: uploadFile(jobId, index), bytes: 0 })) index++
      }
      // An upload stored by an older version, in a folder of its own.
      if (files.length === 0 || files.some(file => dirname(file.path) !== uploadsRoot)) {
        await rm(legacyUploadDir(jobId), { recursive: true, force: true })
      }
    } catch (error) {
      logFailure('an upload', jobId)(error)
    }
  }

  return {
    root,
    database: join(root, 'jobs.db'),
    uploadFile,
    artifactDir,
    scratchRoot,
    exportsDir: join(root, 'exports'),
    removeUploads,

    async removeArtifacts (jobId) {
      await rm(artifactDir(jobId), { recursive: true, force: true }).catch(logFailure('artifacts', jobId))
    },

    async removeLeftovers (owns) {
      const removed = { uploads: 0, scratch: 0 }
      const orphans = new Set<string>()
      // `<id>.<n>.upload` files, and `<id>` folders from older versions.
      for (const name of await listFolder(uploadsRoot)) {
        const jobId = name.slice(0, 36)
        if (isCanonicalJobId(jobId) && await owns(jobId)) continue
        await rm(join(uploadsRoot, name), { recursive: true, force: true }).catch(logFailure('a left-over upload', name))
        orphans.add(jobId)
      }
      removed.uploads = orphans.size
      for (const name of await listFolder(scratchRoot)) {
        const jobId = name.slice(0, 36)
        if (isCanonicalJobId(jobId) && await owns(jobId)) continue
        await rm(join(scratchRoot, name), { recursive: true, force: true }).catch(logFailure('a left-over scratch folder', jobId))
        removed.scratch++
      }
      return removed
    }
  }
}

/**
 * Files up to this size are unlinked with a synchronous call: for a small file that is a few
 * microseconds, less than a round trip through the thread pool. A large file's unlink frees many
 * extents and could hold the event loop, so it goes to the thread pool.
 */
const SYNC_UNLINK_BYTES = 1024 * 1024

/** Unlinks one upload file; false when it was not there. */
async function removeFile (file: Pick<JobInputFile, 'path' | 'bytes'>): Promise<boolean> {
  try {
    if (file.bytes <= SYNC_UNLINK_BYTES) unlinkSync(file.path)
    else await unlink(file.path)
    return true
  } catch (error) {
    ignoreMissing(error)
    return false
  }
}

async function listFolder (dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (error) {
    ignoreMissing(error)
    return []
  }
}

function ignoreMissing (error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
