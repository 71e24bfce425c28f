/**
 * Removes a job's upload folder once the job no longer needs it. The job's input lists its
 * files, so they are unlinked and the folder removed directly: a recursive `rm` would stat,
 * try to remove the folder, list it and stat each entry first, which at hundreds of jobs a
 * second is a visible share of the server's time. Anything else found in the folder falls back
 * to the recursive `rm` (so does a caller that does not know the files); a folder already gone
 * is fine.
 */
import { rm, rmdir, unlink } from 'node:fs/promises'
import type { JobInputFile } from './pipeline.ts'

export async function removeUploads (dir: string, files: readonly JobInputFile[] = []): Promise<void> {
  await Promise.all(files.map(file => unlink(file.path).catch(ignoreMissing)))
  try {
    await rmdir(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST') await rm(dir, { recursive: true, force: true })
    else ignoreMissing(error)
  }
}

function ignoreMissing (error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
