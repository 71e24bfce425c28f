/** Starts a TypeScript entry point as a child process and waits for its `LISTENING <url>` line. */
import { spawn, type ChildProcess } from 'node:child_process'

export interface Child { url: string, process: ChildProcess, stop: () => Promise<void> }

export function startChild (entry: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Child> {
  const child = spawn(process.execPath, [...(process.env.CHILD_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), entry], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${entry} did not start: ${output}`)), timeoutMs)
    child.stdout?.on('data', chunk => {
      output += String(chunk)
      const match = /LISTENING (\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ url: match[1], process: child, stop: async () => { child.kill(process.env.CHILD_PROF ? 'SIGTERM' : 'SIGKILL'); await exited } })
      }
    })
  })
}
