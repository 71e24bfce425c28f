/**
 * A scale-out deployment in child processes for integration tests and benchmarks: API
 * instances (scale-out-api.ts) and workers (`src/worker.ts` with the scale-out test pipelines)
 * on one Redis key prefix and one shared DATA_DIR, plus the Redis gates of `redis-gated` jobs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { gateKeys } from './scale-out-pipelines.ts'

const apiEntry = fileURLToPath(new URL('./scale-out-api.ts', import.meta.url))
const workerEntry = fileURLToPath(new URL('../../src/worker.ts', import.meta.url))
const pipelinesModule = fileURLToPath(new URL('./scale-out-pipelines.ts', import.meta.url))

export interface ChildProc {
  name: string
  child: ChildProcess
  pid: number
  /** `http://127.0.0.1:PORT` for API instances. */
  url: string
  exited: Promise<number | null>
  output: () => string
}

function spawnChild (name: string, entry: string, env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<ChildProc> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  let output = ''
  const collect = (chunk: Buffer) => { output = (output + String(chunk)).slice(-40_000) }
  child.stderr?.on('data', collect)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start: ${output}`)) }, timeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => {
      collect(chunk)
      const match = ready.exec(output)
      if (match && child.pid) {
        clearTimeout(timer)
        resolve({ name, child, pid: child.pid, url: match[1] ?? '', exited, output: () => output })
      }
    })
    exited.then(code => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}: ${output}`)) })
  })
}

export interface ClusterOptions {
  redisUrl: string
  prefix: string
  apis?: number
  workers?: number
  /** Extra settings for every process. */
  env?: Record<string, string>
}

export async function startCluster ({ redisUrl, prefix, apis = 2, workers = 2, env: extra = {} }: ClusterOptions) {
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-scale-out-'))
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    SHUTDOWN_GRACE_SECONDS: '1',
    SSE_RETRY_MS: '100',
    WORKER_LOCK_MS: '2000',
    // Several workers on one machine: each would want the same metrics port.
    WORKER_METRICS_PORT: '0',
    JOB_CONCURRENCY: '2',
    SWEEP_INTERVAL_MS: '200',
    STAGECAST_PIPELINES_MODULE: pipelinesModule,
    LOG_LEVEL: 'warn',
    ...extra
  }
  const startApi = (index: number) => spawnChild(`api-${index}`, apiEntry, env, /LISTENING (\S+)/)
  const startWorker = (index: number) => spawnChild(`worker-${index}`, workerEntry, { ...env, LOG_LEVEL: 'info' }, /"msg":"worker ready"/)
  const running: ChildProc[] = []
  const track = async (started: Promise<ChildProc>) => {
    const proc = await started
    running.push(proc)
    return proc
  }
  const apiProcs = await Promise.all(Array.from({ length: apis }, (_, index) => track(startApi(index))))
  const workerProcs = await Promise.all(Array.from({ length: workers }, (_, index) => track(startWorker(index))))
  let nextWorker = workers

  return {
    dataDir,
    apis: apiProcs,
    workers: workerProcs,
    /** Starts one more worker (e.g. after one was killed). */
    addWorker: async () => {
      const proc = await track(startWorker(nextWorker++))
      workerProcs.push(proc)
      return proc
    },
    async stop () {
      await Promise.all(running.map(async proc => {
        if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM')
        const killer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000)
        await proc.exited.catch(() => {})
        clearTimeout(killer)
      }))
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** The test's side of a `redis-gated` job's gates. */
export function createGateControl (redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null })
  redis.on('error', () => {})
  return {
    /** Resolves when one of the job's stages waits at its gate: which stage, and in which process. */
    async arrived (jobId: string, timeoutMs = 20_000): Promise<{ stage: string, pid: number }> {
      const reply = await redis.blpop(gateKeys(prefix, jobId).arrivals, timeoutMs / 1000)
      if (!reply) throw new Error(`No stage of job ${jobId} reached its gate within ${timeoutMs} ms`)
      const [stage = '', pid = '0'] = reply[1].split('|')
      return { stage, pid: Number(pid) }
    },
    async open (jobId: string) { await redis.rpush(gateKeys(prefix, jobId).open, '1') },
    /** Opens gates as stages arrive until `done` settles (a job that must just run to the end). */
    async openUntil (jobId: string, done: Promise<unknown>): Promise<void> {
      const state = { finished: false }
      const stop = () => { state.finished = true }
      done.then(stop, stop)
      while (!state.finished) {
        const reply = await redis.blpop(gateKeys(prefix, jobId).arrivals, 0.5)
        if (reply) await redis.rpush(gateKeys(prefix, jobId).open, '1')
      }
    },
    abortedBy: async (jobId: string) => Number(await redis.get(gateKeys(prefix, jobId).aborted) ?? 0),
    close: () => redis.disconnect()
  }
}
