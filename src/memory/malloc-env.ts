/**
 * glibc's malloc keeps freed memory in per-thread arenas instead of handing it back, and a
 * server with page-reader, OCR and CSV threads grows one arena per thread: measured, tens of MB
 * more at peak on a scan or a big CSV. Two settings fix that, but glibc reads them only when the
 * process starts, so `npm start` cannot set them from inside — unless the process replaces
 * itself with them set (restart.ts). The memory plan never counts on them: they are a margin,
 * not part of the fit.
 */
export const MALLOC_SETTINGS = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const

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
