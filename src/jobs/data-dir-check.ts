/**
 * DATA_DIR checked at start-up, before anything else touches it: created when missing, and
 * proven to be a folder the server can write to. A wrong value stops start-up at once with a
 * message naming DATA_DIR and what is wrong, instead of a raw ENOTDIR stack trace from the first
 * plugin that writes there — or, under /proc, a recursive mkdir that never returns (Node's
 * `mkdir -p` loops there). The folders are therefore created one level at a time, without
 * `recursive`.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const REASONS: Record<string, string> = {
  EACCES: 'permission denied: give the server\'s user write access, or choose another folder',
  EPERM: 'permission denied: give the server\'s user write access, or choose another folder',
  EROFS: 'it is on a read-only filesystem',
  ENOSPC: 'its filesystem is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'a folder cannot be created there (a virtual or vanished filesystem?)',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path has a symbolic-link loop'
}

/** Makes `dataDir` (absolute) usable or throws an Error whose message names DATA_DIR and the fix. */
export function prepareDataDir (dataDir: string, setting = dataDir): void {
  const fail = (why: string) => new Error(`DATA_DIR=${setting} (${dataDir}) cannot be used: ${why}. Point DATA_DIR at a writable folder; it is created when missing.`)
  const missing: string[] = []
  let existing = dataDir
  for (;;) {
    const kind = kindOf(existing)
    if (kind === 'folder') break
    if (kind === 'other') {
      throw fail(existing === dataDir ? 'it is a file, not a folder' : `${existing} is a file, not a folder`)
    }
    // ENOTDIR: some folder above is a file; the walk up finds it and says so.
    if (kind !== 'missing' && kind !== 'below-a-file') throw fail(REASONS[kind] ?? `the filesystem answered ${kind}`)
    missing.unshift(existing)
    const parent = dirname(existing)
    if (parent === existing) throw fail('no part of the path exists')
    existing = parent
  }
  try {
    for (const folder of missing) mkdirSync(folder)
    const probe = join(dataDir, `.write-check-${process.pid}`)
    writeFileSync(probe, '')
    rmSync(probe, { force: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error'
    throw fail(REASONS[code] ?? `the filesystem answered ${code}`)
  }
}

/** 'folder', 'other' (a file, a socket…), 'missing', 'below-a-file', or the error code that stat gave. */
function kindOf (path: string): string {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    if (code === 'ENOTDIR') return 'below-a-file'
    return code ?? 'unknown'
  }
}
