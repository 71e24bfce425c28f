/**
 * Drives the real server (`src/server.ts`, as `npm start` runs it) over HTTP for the memory test
 * and benchmark: start it (optionally through a wrapper that first joins a memory cgroup),
 * upload documents, wait for each job to end, and watch `/health` and the process's memory
 * throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { openAsBlob, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

const SERVER_ENTRY = fileURLToPath(new URL('../../src/server.ts', import.meta.url))

export interface RunningServer {
  url: string
  process: ChildProcess
  /** Everything the server wrote, for failure messages. */
  output: () => string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  stop: () => Promise<void>
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

/**
 * `wrap(command)` may return another argv that ends up exec'ing `command` (e.g. a shell that
 * moves itself into a cgroup first). `env` is the whole environment (nothing is inherited but PATH).
 */
export async function startServer (env: Record<string, string>, wrap: (command: string[]) => string[] = command => command, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort()
  const [file, ...args] = wrap([process.execPath, SERVER_ENTRY])
  const child = spawn(file as string, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const keep = (chunk: Buffer) => { output = (output + String(chunk)).slice(-2_000_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  let gone = false
  void exited.then(() => { gone = true })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (true) {
    if (gone) throw new Error(`the server exited before answering: ${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not answer /health within ${timeoutMs} ms: ${output}`)
    }
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(reply => reply.ok, () => false)
    if (ok) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    url,
    process: child,
    output: () => output,
    exited,
    async stop () {
      if (gone) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    }
  }
}

export interface JobOutcome {
  name: string
  id: string
  status: string
  message: string | null
  code: string | null
  stage: string | null
  seconds: number
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

/** Uploads one file and waits until its job ends (or `timeoutMs`, which is an error). */
export async function runJob (url: string, path: string, timeoutMs: number): Promise<JobOutcome> {
  const started = performance.now()
  const form = new FormData()
  form.append('file', await openAsBlob(path), basename(path))
  const reply = await fetch(`${url}/api/jobs`, { method: 'POST', body: form })
  const body = await reply.json() as { id?: string, message?: string }
  if (reply.status !== 202 || !body.id) throw new Error(`upload of ${basename(path)} answered ${reply.status}: ${JSON.stringify(body)}`)
  const deadline = Date.now() + timeoutMs
  while (true) {
    const job = await (await fetch(`${url}/api/jobs/${body.id}`)).json() as { status: string, message?: string, error: { code: string, message: string, stage: string | null } | null }
    if (TERMINAL.has(job.status)) {
      return {
        name: basename(path),
        id: body.id,
        status: job.status,
        message: job.error?.message ?? job.message ?? null,
        code: job.error?.code ?? null,
        stage: job.error?.stage ?? null,
        seconds: (performance.now() - started) / 1000
      }
    }
    if (Date.now() > deadline) throw new Error(`${basename(path)} did not end within ${timeoutMs / 1000} s (status ${job.status})`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
}

/** Runs `paths` `parallel` at a time, in order. */
export async function runAll (url: string, paths: readonly string[], parallel: number, timeoutMs: number): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = []
  let next = 0
  const lane = async () => {
    while (next < paths.length) {
      const path = paths[next++] as string
      outcomes.push(await runJob(url, path, timeoutMs))
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane))
  return outcomes
}

export interface Watch {
  /** Slowest `/health` answer seen, in ms (a timeout counts as its bound). */
  slowestHealthMs: () => number
  /** Health checks that failed or took longer than `healthBoundMs`. */
  slowHealthChecks: () => number
  /**
   * Highest resident set size of the server's whole process tree, in bytes: the server's own
   * VmHWM (nothing between samples missed), or, sampled every 50 ms, the server's RSS plus each
   * descendant's own high-water mark (page readers, OCR engines, pdftoppm), whichever is higher.
   * Adding a child's peak to the server's current RSS can only overstate the sum.
   */
  peakRss: () => number
  stop: () => void
}

/** The highest resident set size a process has had so far (VmHWM), in bytes; NaN once it is gone. */
export function peakRssOf (pid: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return hwm ? Number(hwm[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

const statusKb = (pid: number, field: 'VmHWM' | 'VmRSS'): number => {
  try {
    const value = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return value ? Number(value[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** Every process below `pid` (through /proc/<pid>/task/<tid>/children). */
export function descendantsOf (pid: number): number[] {
  const found: number[] = []
  const visit = (parent: number) => {
    let tasks: string[]
    try { tasks = readdirSync(`/proc/${parent}/task`) } catch { return }
    for (const task of tasks) {
      let children = ''
      try { children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim() } catch {}
      for (const child of children ? children.split(' ').map(Number) : []) {
        found.push(child)
        visit(child)
      }
    }
  }
  visit(pid)
  return found
}

/** The server's current RSS plus each descendant's peak, in bytes (see Watch.peakRss). */
export function treeRssOf (pid: number): number {
  return statusKb(pid, 'VmRSS') + descendantsOf(pid).reduce((sum, child) => sum + statusKb(child, 'VmHWM'), 0)
}

/** Polls `/health` every `intervalMs` and records the server's (and its children's) peak memory. */
export function watchServer (server: RunningServer, pid: () => number, { intervalMs = 250, healthBoundMs = 1000 } = {}): Watch {
  let slowest = 0
  let slow = 0
  let peak = 0
  let stopped = false
  const sampleMemory = () => {
    const hwm = Math.max(peakRssOf(pid()), treeRssOf(pid()))
    if (hwm > peak) peak = hwm
  }
  const memoryTimer = setInterval(sampleMemory, 50)
  const loop = async () => {
    // eslint-disable-next-line no-unmodified-loop-condition -- stop() sets `stopped` between iterations
    while (!stopped) {
      const started = performance.now()
      const ok = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(healthBoundMs) }).then(reply => reply.ok, () => false)
      const ms = ok ? performance.now() - started : healthBoundMs
      slowest = Math.max(slowest, ms)
      if (!ok || ms >= healthBoundMs) slow++
      sampleMemory()
      await new Promise(resolve => setTimeout(resolve, intervalMs))
    }
  }
  void loop()
  return { slowestHealthMs: () => slowest, slowHealthChecks: () => slow, peakRss: () => { sampleMemory(); return peak }, stop: () => { stopped = true; clearInterval(memoryTimer) } }
}
