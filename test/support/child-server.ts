/** Starts `test-server.ts` as a child process and resolves with its URL once it listens. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('./test-server.ts', import.meta.url))

export interface ChildServer { url: string, process: ChildProcess, exited: Promise<number | null> }

export function startChildServer (env: Record<string, string>, timeoutMs = 20_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${output}`)) }, timeoutMs)
    child.stderr?.on('data', chunk => { output += String(chunk) })
    child.stdout?.on('data', chunk => {
      output += String(chunk)
      const match = /LISTENING (\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ url: match[1], process: child, exited })
      }
    })
    void exited.then(code => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${output}`)) })
  })
}
