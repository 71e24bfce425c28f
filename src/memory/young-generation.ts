/**
 * V8 lets the main thread's young generation grow to two 32 MB semi-spaces on this Node under an
 * allocation burst (a report's validation and finalizing, the job store's JSON), and every page
 * of it stays resident afterwards. The server bounds it to small semi-spaces (BENCHMARKS.md,
 * "Memory", has what that saves). An isolate reads the flag only when it is created
 * (`v8.setFlagsFromString` at run time does not resize the main thread's), so it comes with the
 * restart (restart.ts). A value the user set, on the command line or in NODE_OPTIONS, is theirs.
 *
 * The flag is process-wide, though: every worker thread created while it is set gets the same
 * small semi-spaces, whatever its `resourceLimits` ask for, and the report's read pass then runs
 * markedly slower. So once the main thread exists, the restarted process clears the bound it set
 * itself (`releaseWorkerYoungGeneration`), and each worker thread sizes its own.
 */
import { setFlagsFromString } from 'node:v8'

export const SEMI_SPACE_FLAG = '--max-semi-space-size'
export const SERVER_SEMI_SPACE_MB = 2
/** In the environment of our own restart: the semi-space bound was set by us, not the user. */
export const BOUND_BY_RESTART = 'STAGECAST_SEMI_SPACE_BOUND'

/** The flags to restart with: none when a semi-space size is already given. */
export function youngGenerationArgs (execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some(arg => arg === SEMI_SPACE_FLAG || arg.startsWith(`${SEMI_SPACE_FLAG}=`) || arg.startsWith('--max_semi_space_size'))
  return given ? [] : [`${SEMI_SPACE_FLAG}=${SERVER_SEMI_SPACE_MB}`]
}

/**
 * In the restarted process: clears the bound our restart set, now that the main thread has it,
 * so worker threads get the young generation their `resourceLimits` ask for. Returns whether it did.
 */
export function releaseWorkerYoungGeneration (env: NodeJS.ProcessEnv): boolean {
  if (env[BOUND_BY_RESTART] !== '1') return false
  // 0 is V8's "not set": each new isolate falls back to its own resource constraints.
  setFlagsFromString(`${SEMI_SPACE_FLAG}=0`)
  return true
}
