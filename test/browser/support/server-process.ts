/**
 * The real server (`node src/server.ts`, exactly as `npm start` runs it) as a child process on
 * a port and data folder the test chooses, so a test can stop it and start it again on the same
 * port and DATA_DIR, as a restart in production would.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

const SERVER_ENTRY = join(import.meta.dirname, '..', '..', '..', 'src', 'server.ts')

export interface ServerProcess {
  url: string
  /** Sends the signal and resolves with the exit code once the process has ended. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  output: () => string
}

/** A port that was free a moment ago: the OS picks it, then it is released for the server. */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export async function startServer (options: { port: number, dataDir: string, env?: Record<string, string> }, timeoutMs = 20_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER_ENTRY], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(options.port), DATA_DIR: options.dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', chunk => { output += String(chunk) })
  child.stderr?.on('data', chunk => { output += String(chunk) })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const url = `http://127.0.0.1:${options.port}`

  // Ready when /health answers; bounded, and failing fast if the process dies.
  const deadline = Date.now() + timeoutMs
  let ready = false
  const running = () => child.exitCode === null && child.signalCode === null
  while (!ready && running() && Date.now() < deadline) {
    ready = await fetch(`${url}/health`).then(response => response.ok, () => false)
    if (!ready) await delay(100)
  }
  if (!ready) {
    child.kill('SIGKILL')
    throw new Error(`the server did not start within ${timeoutMs} ms:\n${output}`)
  }
  return {
    url,
    output: () => output,
    async stop (signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill(signal)
      return exited
    }
  }
}
