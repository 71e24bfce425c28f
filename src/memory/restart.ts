/**
 * Settings a Node process reads only when it starts: glibc's malloc settings (malloc-env.ts) and
 * the main thread's young-generation size (young-generation.ts). `npm start` cannot set them from
 * inside, so the process replaces itself (`process.execve`, same pid) with them, once, first
 * thing, before the rest of the server is loaded. The memory plan never counts on the malloc
 * settings: they are a margin, not part of the fit.
 */
import { readFileSync } from 'node:fs'
import { mallocRestartEnv } from './malloc-env.ts'
import { BOUND_BY_RESTART, youngGenerationArgs } from './young-generation.ts'

function isGlibc (): boolean {
  try {
    return /\/libc\.so\.6$/m.test(readFileSync('/proc/self/maps', 'utf8'))
  } catch {
    return false
  }
}

/** Replaces this process with itself under the settings it lacks; else returns. */
export function restartWithRuntimeSettings (): void {
  const execve = process.execve?.bind(process)
  if (!execve) return
  const env = mallocRestartEnv(process.env, { platform: process.platform, glibc: process.platform === 'linux' && isGlibc(), canExec: true })
  const v8Args = youngGenerationArgs(process.execArgv, process.env.NODE_OPTIONS)
  if (!env && v8Args.length === 0) return
  const restartEnv = { ...(env ?? process.env), ...(v8Args.length > 0 && { [BOUND_BY_RESTART]: '1' }) }
  try {
    execve(process.execPath, [process.execPath, ...v8Args, ...process.execArgv, ...process.argv.slice(1)], restartEnv)
  } catch (error) {
    // Not fatal: the server fits its budget without them.
    console.error(`stagecast: could not restart with its runtime settings (${(error as Error).message}); continuing without them.`)
  }
}
