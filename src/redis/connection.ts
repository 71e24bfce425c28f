/**
 * The one place that opens Redis connections (ioredis), so every process gets the same
 * reconnection policy, the same error logging, and the same answer while Redis is down: a
 * clear 503 (`store_unavailable`) instead of a request that hangs.
 *
 * A process holds a handful of connections whatever its load — commands, one blocking reader
 * for every event stream it serves, BullMQ's — never one per browser.
 */
import { Redis } from 'ioredis'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST` and in our logs (`stagecast:store`, `stagecast:events`…). */
  name: string
  log: Logger
  /**
   * Commands in flight when the connection drops survive this many reconnection attempts;
   * `null` waits forever (BullMQ workers and blocking readers need that).
   */
  maxRetriesPerRequest: number | null
}

export const storeUnavailable = () =>
  new AppError('store_unavailable', 503, 'The job store (Redis) cannot be reached right now, so nothing was accepted. Try again in a few seconds.')

export function createRedisConnection (url: string, { name, log, maxRetriesPerRequest }: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest,
    enableOfflineQueue: true,
    // Quick first retries so a restarted Redis is picked up at once, then at most every 2 s.
    retryStrategy: times => Math.min(100 * times, 2000),
    connectTimeout: 5000
  })
  // ioredis reports every failed reconnection; one line per outage is enough for the log.
  let down = false
  redis.on('error', (error: Error) => {
    if (down) return
    down = true
    log.warn({ redis: name, err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, 'redis connection lost; reconnecting')
  })
  redis.on('ready', () => {
    if (!down) return
    down = false
    log.info({ redis: name }, 'redis connection restored')
  })
  return redis
}

/**
 * Resolves once `redis` is connected, waiting at most `waitMs`; otherwise throws the 503 above.
 * Callers check this before a command so that an outage answers at once instead of queueing.
 */
export function whenReady (redis: Redis, waitMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve()
  if (waitMs <= 0 || redis.status === 'end') return Promise.reject(storeUnavailable())
  return new Promise((resolve, reject) => {
    const onReady = () => { clearTimeout(timer); resolve() }
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      reject(storeUnavailable())
    }, waitMs)
    redis.once('ready', onReady)
  })
}

/** REDIS_URL as it may appear in a log or an error: without its password. */
export function redactUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'REDIS_URL'
  }
}

/** Replies that Redis itself sent (a script error, a wrong type) — not a lost connection. */
export const isReplyError = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ReplyError'

/** Closes a connection politely, or at once if Redis is not there to answer QUIT. */
export async function closeRedis (redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  if (redis.status !== 'ready') {
    redis.disconnect()
    return
  }
  try {
    await redis.quit()
  } catch {
    redis.disconnect()
  }
}
