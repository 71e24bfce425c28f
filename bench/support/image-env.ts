/**
 * The environment the Docker image starts Node with (see Dockerfile): glibc malloc settings and
 * Node's compile cache. They must be set before the process starts, so benchmarks pass them to
 * the servers they spawn, and say so.
 *
 * MALLOC_MMAP_THRESHOLD_=32768: blocks from 32 KiB up (64 KiB socket reads of an upload, page
 * buffers of the OCR threads) are mapped and handed back to the system when freed, instead of
 * staying in glibc's arenas. Measured on the 3M-row report: peak 195–198 MB against 213–263 MB
 * with 131072 (BENCHMARKS.md).
 */
export const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' }

export const MALLOC_TUNING_LABEL = Object.entries(MALLOC_TUNING).map(([name, value]) => `${name}=${value}`).join(', ')

/** The whole image environment, with the compile cache in `cacheDir`. */
export function imageEnv (cacheDir: string): Record<string, string> {
  return { ...MALLOC_TUNING, NODE_COMPILE_CACHE: cacheDir }
}
