/**
 * Redis for tests: the shared server (REDIS_TEST_URL, default 127.0.0.1:6379) with a unique
 * key prefix per test, or a private `redis-server` on a free port for tests that stop and
 * restart Redis (the shared one is never stopped). With CI=true a Redis that does not answer
 * fails the run; elsewhere the Redis tests are skipped with a message saying why.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379'

async function answers (url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await redis.ping() === 'PONG'
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

/** True when Redis answers; throws under CI=true when it does not (a Redis test must never silently skip there). */
export async function redisIsAvailable (url = REDIS_TEST_URL): Promise<boolean> {
  if (await answers(url)) return true
  if (process.env.CI === 'true') throw new Error(`Redis does not answer at ${url}, and CI=true: the Redis tests must run. Start redis-server.`)
  console.warn(`Skipping Redis tests: no Redis answers at ${url} (set REDIS_TEST_URL, or start redis-server).`)
  return false
}

export const uniquePrefix = (label: string) => `stagecast-test-${label}-${randomUUID().slice(0, 8)}`

/** Deletes every key under `prefix:` (SCAN, never KEYS). */
export async function deletePrefix (prefix: string, url = REDIS_TEST_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

export interface OwnRedis {
  url: string
  port: number
  /** Stops it the way an operator would (SIGTERM: AOF flushed). */
  stop: () => Promise<void>
  /** Starts it again on the same port and data folder. */
  start: () => Promise<void>
  /** Stops it and removes its data folder. */
  destroy: () => Promise<void>
}

/** A private redis-server (AOF on, fsync always) in a temp folder on a free port. */
export async function startOwnRedis (): Promise<OwnRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecast-redis-'))
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined

  async function start () {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
      '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await answers(url))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  async function stop () {
    const running = child
    if (!running || running.exitCode !== null) return
    const exited = new Promise(resolve => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }

  await start()
  return { url, port, stop, start, destroy: async () => { await stop(); await rm(dir, { recursive: true, force: true }) } }
}
