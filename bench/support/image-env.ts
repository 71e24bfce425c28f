/**
 * The environment the Docker image starts Node with (see Dockerfile): glibc malloc settings and
 * Node's compile cache. They must be set before the process starts, so benchmarks pass them to
 * the servers they spawn, and say so.
 *
 * MALLOC_MMAP_THRESHOLD_=131072: blocks from 128 KiB up (image and page buffers) are mapped and
 * handed back to the system when freed; a fixed threshold also stops glibc from raising it on its
 * own. It sits above 64 KiB on purpose: socket reads and file chunks of that size, which a report
 * read during its upload makes by the thousand, would otherwise each be an mmap, an munmap and a
 * round of page faults (BENCHMARKS.md compares the two).
 */
export const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' }

export const MALLOC_TUNING_LABEL = Object.entries(MALLOC_TUNING).map(([name, value]) => `${name}=${value}`).join(', ')

/** The whole image environment, with the compile cache in `cacheDir`. */
export function imageEnv (cacheDir: string): Record<string, string> {
  return { ...MALLOC_TUNING, NODE_COMPILE_CACHE: cacheDir }
}
