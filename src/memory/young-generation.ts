/**
 * V8 lets the main thread's young generation grow to two 32 MB semi-spaces on this Node under an
 * allocation burst (a report's validation and finalizing, the job store's JSON), and every page
 * of it stays resident afterwards. The server bounds it to small semi-spaces (BENCHMARKS.md,
 * "Memory", has what that saves; the worker threads set their own through `resourceLimits`). V8 reads the flag only when the isolate is created
 * (`v8.setFlagsFromString` at run time changes nothing), so it comes with the restart
 * (restart.ts). A value the user set, on the command line or in NODE_OPTIONS, is theirs.
 */
export const SEMI_SPACE_FLAG = '--max-semi-space-size'
export const SERVER_SEMI_SPACE_MB = 2

/** The flags to restart with: none when a semi-space size is already given. */
export function youngGenerationArgs (execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some(arg => arg === SEMI_SPACE_FLAG || arg.startsWith(`${SEMI_SPACE_FLAG}=`) || arg.startsWith('--max_semi_space_size'))
  return given ? [] : [`${SEMI_SPACE_FLAG}=${SERVER_SEMI_SPACE_MB}`]
}
