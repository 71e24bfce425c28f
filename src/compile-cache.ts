/**
 * Turns on Node's on-disk compile cache for this process and every thread it starts. Node strips
 * the types of each TypeScript module it loads with a WebAssembly compiler that then stays
 * resident, ~20 MB per thread; once the cache holds a module, loading it needs no compiler. The
 * threads that read big reports, forecast and render pages take NODE_COMPILE_CACHE from their
 * environment, so it is set here for them. The process's own first modules (loaded before this
 * runs) are covered only when NODE_COMPILE_CACHE is set before Node starts; the Docker image does.
 */
import { enableCompileCache } from 'node:module'

export function useCompileCache (): void {
  const { directory } = enableCompileCache()
  if (directory) process.env.NODE_COMPILE_CACHE = directory
}
