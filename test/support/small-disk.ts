/**
 * A real small disk for storage-failure tests: a tmpfs of a few MiB mounted on a temporary
 * folder, and a filler file that takes all its free space (ENOSPC / SQLITE_FULL) until it is
 * removed. Mounting needs root, which CI has; elsewhere the tests that use it are skipped
 * with that reason, never under CI=true.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const canMountTmpfs = process.getuid?.() === 0

export interface SmallDisk {
  dir: string
  /** Takes every free byte of the disk. */
  fill: () => void
  /** Gives the space back. */
  free: () => void
  unmount: () => void
}

export function mountSmallDisk (sizeMiB: number): SmallDisk {
  if (!canMountTmpfs) throw new Error('Mounting a tmpfs needs root (CI runs as root).')
  const dir = mkdtempSync(join(tmpdir(), 'stagecast-small-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir])
  const filler = join(dir, 'filler')
  return {
    dir,
    fill () {
      // Ever smaller pieces until not even one byte fits: a big write alone could leave a gap.
      for (const size of [64 * 1024, 4096, 512, 1]) {
        const piece = Buffer.alloc(size)
        try {
          for (;;) writeFileSync(filler, piece, { flag: 'a' })
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
        }
      }
    },
    free () { unlinkSync(filler) },
    unmount () {
      execFileSync('umount', ['-l', dir])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
