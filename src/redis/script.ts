/**
 * A Lua script sent by its SHA1 (EVALSHA) and resent whole only when Redis does not know it
 * yet — after a restart or a failover the script cache is empty, and that must be invisible.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export interface LuaScript {
  readonly source: string
  /** Runs the script; `keys` are its KEYS, `args` its ARGV. */
  run: (redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>) => Promise<unknown>
}

export function luaScript (source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex')
  return {
    source,
    async run (redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args)
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
        return await redis.eval(source, keys.length, ...keys, ...args)
      }
    }
  }
}
