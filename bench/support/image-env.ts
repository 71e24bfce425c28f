/**
 * The environment the Docker image starts Node with (see Dockerfile): glibc malloc settings and
 * Node's compile cache. They must be set before the process starts, so benchmarks pass them to
 * the servers they spawn, and say so.
 *
 * MALLOC_MMAP_THRESHOLD_=131072: blocks from 128 KiB up (image and page buffers) are mapped and
 * handed back to the system when freed; a fixed threshold also stops glibc from raising it on its
 * own. It was 32768 while the report read its file after the upload; since the report reads the
 * upload as it arrives, every 64 KiB socket read and file chunk was then an mmap, munmap and a
 * round of page faults: on the 3M-row report 6.9–11.5 s and a 250–252 MB peak, against 4.5–5.4 s
 * and 244–247 MB with 131072 (BENCHMARKS.md).
 */
export const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' }

export const MALLOC_TUNING_LABEL = Object.entries(MALLOC_TUNING).map(([name, value]) => `${name}=${value}`).join(', ')

/** The whole image environment, with the compile cache in `cacheDir`. */
export function imageEnv (cacheDir: string): Record<string, string> {
  return { ...MALLOC_TUNING, NODE_COMPILE_CACHE: cacheDir }
}
