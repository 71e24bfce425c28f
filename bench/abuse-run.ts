/**
 * One abuse run against a real stagecast server process (`node src/server.ts`) on 127.0.0.1:
 * malformed uploads, hostile file names, mutations, garbage and oversized heads through a
 * connection pool, while slowloris heads, trickled and stalled uploads and thousands of idle
 * streams hold connections open, and every route gets malformed methods, headers, ids and bodies
 * (abuse-protocol.ts: each must be a 4xx JSON error). Meanwhile the server's memory and /health
 * latency are sampled. Afterwards a normal report job must still complete, and the protocol edges
 * (abuse-edges.ts: HEAD of a stream, a resume beyond the log, a 100,000-column CSV) must hold.
 * Shared by the CI test and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { idleStreams, slowloris, slowUploads, stalledUploads, type HeldConnection } from './abuse-attacks.ts'
import { garbage, hugeHeads, malformedUploads, mutatedUploads, traversalUploads, type Case } from './abuse-cases.ts'
import { exchange, uncleanReason, type Exchange, type Target } from './abuse-http.ts'
import { protocolCases } from './abuse-protocol.ts'
import { probeProtocolEdges } from './abuse-edges.ts'
import { followJob, monthlySalesCsv } from './abuse-job.ts'

const SERVER_ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url))

export interface AbuseSizes {
  mutations: number
  garbage: number
  slowloris: number
  slowUploads: number
  stalledUploads: number
  idleStreams: number
  concurrency: number
  seed: number
  /** How long the normal job may take; it waits behind every fuzzed upload that was accepted. */
  normalJobTimeoutMs: number
}

/** Short timeouts so the connection attacks resolve within seconds; named in the report. */
export const ABUSE_SETTINGS = {
  HEADERS_TIMEOUT_SECONDS: '2',
  REQUEST_TIMEOUT_SECONDS: '4',
  IDLE_TIMEOUT_SECONDS: '3',
  HEARTBEAT_SECONDS: '1',
  WAIT_TIMEOUT_SECONDS: '600',
  MAX_UPLOAD_BYTES: String(1024 * 1024),
  RATE_LIMIT_UPLOADS_PER_MINUTE: '0',
  LOG_LEVEL: 'warn'
}

export interface AbuseReport {
  requests: number
  statuses: Record<string, number>
  /** Answers that broke a rule, with the case that caused them; must be empty. */
  problems: string[]
  /** Cases answered 500: clean, but a client error should be a 4xx. */
  serverErrors: string[]
  held: Record<'slowloris' | 'slow uploads' | 'stalled uploads', { count: number, cut: number, maxMs: number, statuses: Record<string, number> }>
  streams: { opened: number, failed: number, rssPerStreamKiB: number }
  rss: { idleMiB: number, peakMiB: number, afterMiB: number }
  health: { probes: number, failures: number, p50Ms: number, p99Ms: number, maxMs: number }
  normalJob: { status: string, ms: number, events: number }
  serverAlive: boolean
  errorLogLines: number
  /** How long each part took, in ms. */
  phases: Record<string, number>
  durationMs: number
}

export async function runAbuse (sizes: AbuseSizes, dataDir: string): Promise<AbuseReport> {
  const started = performance.now()
  const server = await startServer(dataDir)
  const target: Target = { host: '127.0.0.1', port: server.port }
  const pid = server.process.pid as number
  const problems: string[] = []
  const serverErrors: string[] = []
  const statuses: Record<string, number> = {}
  try {
    const idleRss = rssOf(pid)
    let peakRss = idleRss
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssOf(pid)) }, 100)
    const health = probeHealth(server.url)

    const deadline = 20_000
    const held = Promise.all([
      slowloris(target, sizes.slowloris, 500, deadline),
      slowUploads(target, sizes.slowUploads, 200, deadline),
      stalledUploads(target, sizes.stalledUploads, deadline)
    ])
    const phases: Record<string, number> = {}
    let phaseStart = performance.now()
    const endPhase = (name: string) => {
      phases[name] = Math.round(performance.now() - phaseStart)
      phaseStart = performance.now()
    }
    const marker = `abuse-${randomUUID()}`
    const cases: Case[] = [
      ...malformedUploads(Number(ABUSE_SETTINGS.MAX_UPLOAD_BYTES)), ...traversalUploads(marker), ...hugeHeads(),
      ...mutatedUploads(sizes.mutations, sizes.seed), ...garbage(sizes.garbage, sizes.seed + 1),
      // Every route's malformed methods, headers, ids and bodies: each must be a 4xx JSON error.
      ...protocolCases().map(({ name, request }) => ({ name: `protocol: ${name}`, request, clientError: true }))
    ]
    await inPool(cases, sizes.concurrency, async ({ name, request, mayBeAccepted, clientError }) => {
      const answer = await exchange(target, request)
      const key = answer.status === null ? (answer.timedOut ? 'no answer (timeout)' : 'closed') : String(answer.status)
      statuses[key] = (statuses[key] ?? 0) + 1
      const accepted = answer.status !== null && answer.status >= 200 && answer.status < 300
      const reason = answer.timedOut
        ? 'neither answered nor closed within 10 s'
        : accepted ? (mayBeAccepted ? null : `accepted (${answer.status})`) : (clientError ? clientErrorReason(answer) : null) ?? uncleanReason(answer)
      if (reason) problems.push(`${name}: ${reason}`)
      if (answer.status === 500) serverErrors.push(name)
    })
    endPhase('malformed requests')

    const beforeStreams = rssOf(pid)
    const streams = await idleStreams(target, sizes.idleStreams)
    const withStreams = rssOf(pid)
    endPhase('idle streams opened')
    const [loris, slow, stalled] = await held
    endPhase('held connections cut')
    streams.close()
    await waitFor(async () => (await openStreams(server.url)) === 0, 15_000, 'the server to release every idle stream')
    endPhase('idle streams released')

    const normalJob = await followJob(server.url, monthlySalesCsv(), sizes.normalJobTimeoutMs)
    if (normalJob.status !== 'completed') problems.push(`a normal job after the attacks ended ${normalJob.status}`)
    endPhase('normal job')
    const edges = await probeProtocolEdges(server.url, target, sizes.normalJobTimeoutMs)
    problems.push(...edges.problems)
    endPhase('protocol edges')
    clearInterval(sampler)
    const healthSummary = await health.stop()
    if (healthSummary.failures > 0) problems.push(`${healthSummary.failures} /health probes failed during the run`)

    const leaked = (await readdir(dataDir, { recursive: true })).filter(path => String(path).includes(marker))
    if (leaked.length > 0) problems.push(`a client file name reached the disk: ${leaked.join(', ')}`)
    const summarize = (connections: HeldConnection[], boundMs: number, what: string) => {
      const cut = connections.filter(connection => connection.closedAfterMs !== null)
      if (cut.length < connections.length) problems.push(`${connections.length - cut.length} ${what} were still open after ${deadline} ms`)
      const maxMs = Math.max(0, ...cut.map(connection => connection.closedAfterMs as number))
      if (maxMs > boundMs) problems.push(`${what} were held up to ${Math.round(maxMs)} ms, over the ${boundMs} ms bound`)
      const counts: Record<string, number> = {}
      for (const connection of connections) counts[connection.status ?? 'closed'] = (counts[connection.status ?? 'closed'] ?? 0) + 1
      return { count: connections.length, cut: cut.length, maxMs: Math.round(maxMs), statuses: counts }
    }
    // Node enforces the deadlines on a periodic check, and a loaded event loop runs it late.
    const bound = (seconds: string) => 2 * Number(seconds) * 1000 + 2000
    return {
      requests: cases.length,
      statuses,
      problems,
      serverErrors,
      held: {
        slowloris: summarize(loris, bound(ABUSE_SETTINGS.HEADERS_TIMEOUT_SECONDS), 'slowloris connections'),
        'slow uploads': summarize(slow, bound(ABUSE_SETTINGS.REQUEST_TIMEOUT_SECONDS), 'trickled uploads'),
        'stalled uploads': summarize(stalled, bound(ABUSE_SETTINGS.IDLE_TIMEOUT_SECONDS), 'stalled uploads')
      },
      streams: { opened: streams.opened, failed: streams.failed, rssPerStreamKiB: streams.opened > 0 ? Math.round((withStreams - beforeStreams) / streams.opened / 1024) : 0 },
      rss: { idleMiB: mib(idleRss), peakMiB: mib(peakRss), afterMiB: mib(rssOf(pid)) },
      health: healthSummary,
      normalJob,
      serverAlive: server.process.exitCode === null && (await fetch(`${server.url}/health`)).ok,
      errorLogLines: server.errorLogLines(),
      phases,
      durationMs: Math.round(performance.now() - started)
    }
  } finally {
    server.process.kill('SIGKILL')
    await server.exited
  }
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20)

/** A request that is wrong in every reading must get a 4xx with a JSON body, not just any clean answer. */
function clientErrorReason (answer: Exchange): string | null {
  if (answer.status === null || answer.status < 400 || answer.status > 499) return `answered ${answer.status ?? 'nothing'}, not a 4xx`
  if (answer.body === '') return `${answer.status} without a JSON {error, message} body`
  return null
}

/** Resident memory of the server process, from /proc (0 once it has gone). */
function rssOf (pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

async function inPool<T> (items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++] as T)
  }))
}

async function waitFor (probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

async function openStreams (url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^stagecast_sse_streams_open (\d+)$/m.exec(text)?.[1] ?? Number.NaN)
}

/** GET /health every 200 ms until stopped: the server must keep answering during the attacks. */
function probeHealth (url: string) {
  const latencies: number[] = []
  let failures = 0
  const state = { running: true }
  const loop = (async () => {
    while (state.running) {
      const started = performance.now()
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })
        if (!response.ok) failures++
        await response.body?.cancel()
      } catch {
        failures++
      }
      latencies.push(performance.now() - started)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  })()
  return {
    async stop () {
      state.running = false
      await loop
      const sorted = [...latencies].sort((a, b) => a - b)
      const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0)
      return { probes: latencies.length, failures, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(sorted.at(-1) ?? 0) }
    }
  }
}

interface RunningServer { url: string, port: number, process: ChildProcess, exited: Promise<void>, errorLogLines: () => number }

async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise(resolve => probe.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

async function startServer (dataDir: string): Promise<RunningServer> {
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { ...process.env, ...ABUSE_SETTINGS, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  let errorLines = 0
  let output = ''
  const watch = (chunk: Buffer) => {
    const text = String(chunk)
    if (output.length < 100_000) output += text
    errorLines += (text.match(/"level":(50|60)/g) ?? []).length
  }
  child.stdout?.on('data', watch)
  child.stderr?.on('data', watch)
  const url = `http://127.0.0.1:${port}`
  await waitFor(async () => (await fetch(`${url}/health`)).ok, 30_000, `the server to start: ${output}`)
  return { url, port, process: child, exited, errorLogLines: () => errorLines }
}
