/**
 * Everything stagecast keeps under DATA_DIR, and how long each file lives. This is the only
 * module that spells the layout:
 *
 *   jobs.db              the embedded job store (SQLite; not used with REDIS_URL)
 *   uploads/<id>/        an upload's files (`1.upload`, `2.upload`…), written only by the request
 *                        that reserved <id>; removed when the job ends, or by the upload itself
 *                        when it is refused
 *   artifacts/<id>/      downloadable outputs a pipeline declares (report.pdf); removed when the
 *                        job's data is evicted or deleted
 *   scratch/<id>-XXXXXX/ a run's private working folder; removed when the run ends
 *   exports/             local exports and archives of the intake pipeline (kept)
 *
 * Every path is built from a canonical job id and names we choose, never from client input.
 * Removal never throws: a file that cannot be removed is logged and left, because no cleanup
 * failure may take down the server or a request.
 */
import { mkdirSync } from 'node:fs'
import { readdir, rm, rmdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { prepareDataDir } from './data-dir-check.ts'
import { isCanonicalJobId } from './job-id.ts'
import type { JobInputFile } from './pipeline.ts'

export interface DataDir {
  root: string
  /** The embedded store's database file. */
  database: string
  uploadDir: (jobId: string) => string
  artifactDir: (jobId: string) => string
  /** Parent of the per-run scratch folders. */
  scratchRoot: string
  exportsDir: string
  /** Removes a job's upload folder; `files` (when known) are unlinked directly, the cheap path. */
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
  // Made now, so that an upload's own folder can be made without `recursive` (which reports
  // ENOENT instead of the real cause on a read-only disk).
  try {
    mkdirSync(uploadsRoot)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const uploadDir = (jobId: string) => join(uploadsRoot, jobId)
  const artifactDir = (jobId: string) => join(root, 'artifacts', jobId)

  const logFailure = (what: string, jobId: string) => (error: unknown) => {
    log.error({ err: error, jobId }, `could not remove ${what}; it stays on disk`)
  }

  async function removeUploads (jobId: string, files: readonly JobInputFile[] = []): Promise<void> {
    const dir = uploadDir(jobId)
    try {
      // A recursive rm stats, lists and stats again; at hundreds of jobs a second, unlinking the
      // known files and the empty folder is a visible saving.
      await Promise.all(files.map(file => unlink(file.path).catch(ignoreMissing)))
      await rmdir(dir).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') await rm(dir, { recursive: true, force: true })
        else ignoreMissing(error)
      })
    } catch (error) {
      logFailure('an upload', jobId)(error)
    }
  }

  return {
    root,
    database: join(root, 'jobs.db'),
    uploadDir,
    artifactDir,
    scratchRoot,
    exportsDir: join(root, 'exports'),
    removeUploads,

    async removeArtifacts (jobId) {
      await rm(artifactDir(jobId), { recursive: true, force: true }).catch(logFailure('artifacts', jobId))
    },

    async removeLeftovers (owns) {
      const removed = { uploads: 0, scratch: 0 }
      for (const name of await listFolder(uploadsRoot)) {
        if (isCanonicalJobId(name) && await owns(name)) continue
        await rm(join(uploadsRoot, name), { recursive: true, force: true }).catch(logFailure('a left-over upload', name))
        removed.uploads++
      }
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
