/**
 * glibc's malloc keeps freed memory in per-thread arenas instead of handing it back, and a
 * server with page-reader, OCR and CSV threads grows one arena per thread: measured, tens of MB
 * more at peak on a scan or a big CSV. Two settings fix that, but glibc reads them only when the
 * process starts, so `npm start` cannot set them from inside — unless the process replaces
 * itself (`process.execve`, same pid) with them set, once, first thing. The memory plan never
 * counts on them: they are a margin, not part of the fit.
 */
import { readFileSync } from 'node:fs'

export const MALLOC_SETTINGS = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' } as const

export interface Runtime {
  platform: NodeJS.Platform
  /** Whether the C library is glibc (the settings mean nothing to musl). */
  glibc: boolean
  canExec: boolean
}

/** The environment to restart with, or null when the process should carry on as it is. */
export function mallocRestartEnv (env: NodeJS.ProcessEnv, runtime: Runtime): NodeJS.ProcessEnv | null {
  if (runtime.platform !== 'linux' || !runtime.glibc || !runtime.canExec) return null
  if (env.GLIBC_MALLOC_TUNING === 'false') return null
  // Set by the user or by the image (or by our own restart): theirs to decide, and no loop.
  if (Object.keys(MALLOC_SETTINGS).some(name => env[name] !== undefined)) return null
  return { ...env, ...MALLOC_SETTINGS }
}

function isGlibc (): boolean {
  try {
    return /\/libc\.so\.6$/m.test(readFileSync('/proc/self/maps', 'utf8'))
  } catch {
    return false
  }
}

/** Replaces this process with itself under the malloc settings when they apply; else returns. */
export function restartWithMallocSettings (): void {
  const execve = process.execve?.bind(process)
  const env = mallocRestartEnv(process.env, { platform: process.platform, glibc: process.platform === 'linux' && isGlibc(), canExec: execve !== undefined })
  if (!env || !execve) return
  try {
    execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env)
  } catch (error) {
    // Not fatal: the server fits its budget without the settings.
    console.error(`stagecast: could not restart with the glibc malloc settings (${(error as Error).message}); continuing without them.`)
  }
}
