/**
 * Live delivery for the Redis store: ONE blocking connection per process runs `XREAD BLOCK`
 * over the event streams of every job this process has subscribers for, and fans each entry
 * out to them — a thousand browsers watching one job cost one stream in one XREAD, not a
 * thousand connections.
 *
 * Where a new subscription starts: its cursor is the job's `seq` read with HGET on the *command*
 * connection at subscribe time. Redis answers one connection's commands in order, so anything
 * the subscriber reads afterwards on that connection (the stream route's replay) sees at least
 * everything before the cursor, and XREAD delivers everything after it: no gap. When Redis
 * cannot answer that HGET the cursor is 0 — the subscriber then gets the whole log, which the
 * stream route de-duplicates by seq.
 *
 * A blocked XREAD learns about a new stream through the process's own wake stream (an XADD
 * ends the block), which works through reconnects and needs no CLIENT permissions.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from '../../logger.ts'
import type { JobEvent } from '../model.ts'
import type { EventListener, Unsubscribe } from './types.ts'
import type { RedisKeys } from './redis-keys.ts'

interface Subscription {
  jobId: string
  listeners: Set<EventListener>
  /** Seq of the last event delivered; null until the starting point is known. */
  cursor: number | null
}

export interface StreamReaderOptions {
  /** Dedicated to XREAD BLOCK (maxRetriesPerRequest: null); closed by `close()`. */
  reader: Redis
  /** The store's command connection (cursors, wake-ups). */
  commands: Redis
  keys: RedisKeys
  log: Logger
  /** Longest single XREAD block; the loop simply re-issues it. */
  blockMs?: number
}

type XreadReply = Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null

export function createStreamReader ({ reader, commands, keys, log, blockMs = 10_000 }: StreamReaderOptions) {
  const byKey = new Map<string, Subscription>()
  const wakeKey = keys.wake(randomUUID())
  let wakeCursor = '0-0'
  let wakePending = false
  let closed = false

  function wake () {
    if (wakePending || closed) return
    wakePending = true
    commands.multi().xadd(wakeKey, 'MAXLEN', '1', '*', 'w', '1').pexpire(wakeKey, 3_600_000).exec()
      .catch(error => {
        // The reader re-reads its streams within `blockMs` anyway; a lost wake-up only delays.
        wakePending = false
        log.debug({ err: error }, 'could not wake the event reader')
      })
  }

  function startAt (subscription: Subscription, key: string) {
    commands.hget(keys.ofJob(subscription.jobId).job, 'seq').then(
      seq => { subscription.cursor = Number(seq ?? 0) },
      () => { subscription.cursor = 0 }
    ).finally(() => {
      if (byKey.get(key) === subscription) wake()
    })
  }

  function dispatch (subscription: Subscription, entries: Array<[id: string, fields: string[]]>) {
    for (const [streamId, fields] of entries) {
      const seq = Number(streamId.slice(0, streamId.indexOf('-')))
      if (subscription.cursor === null || seq <= subscription.cursor) continue
      subscription.cursor = seq
      const json = fields[fields.indexOf('e') + 1]
      if (json === undefined) continue
      const event = JSON.parse(json) as JobEvent
      for (const listener of [...subscription.listeners]) {
        try {
          listener(event)
        } catch (error) {
          log.error({ err: error, jobId: subscription.jobId }, 'event subscriber failed')
        }
      }
    }
  }

  async function readLoop () {
    let failing = false
    for (;;) {
      if (closed) return
      const active = [...byKey.entries()].filter(([, subscription]) => subscription.cursor !== null)
      const streamKeys = [wakeKey, ...active.map(([key]) => key)]
      const ids = [wakeCursor, ...active.map(([, subscription]) => `${subscription.cursor}-0`)]
      wakePending = false
      let reply: XreadReply
      try {
        reply = await reader.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', ...streamKeys, ...ids) as XreadReply
        failing = false
      } catch (error) {
        if (closed) return
        if (!failing) log.warn({ err: error }, 'event reader lost Redis; open streams keep heartbeating until it is back')
        failing = true
        await new Promise(resolve => setTimeout(resolve, 250))
        continue
      }
      for (const [key, entries] of reply ?? []) {
        if (key === wakeKey) {
          wakeCursor = entries.at(-1)?.[0] ?? wakeCursor
          continue
        }
        const subscription = byKey.get(key)
        if (subscription) dispatch(subscription, entries)
      }
    }
  }

  const loop = readLoop()

  return {
    subscribe (jobId: string, listener: EventListener): Unsubscribe {
      const key = keys.ofJob(jobId).events
      let subscription = byKey.get(key)
      if (!subscription) {
        subscription = { jobId, listeners: new Set(), cursor: null }
        byKey.set(key, subscription)
        startAt(subscription, key)
      }
      const current = subscription
      current.listeners.add(listener)
      return () => {
        current.listeners.delete(listener)
        if (current.listeners.size === 0 && byKey.get(key) === current) byKey.delete(key)
      }
    },

    count: (jobId: string) => byKey.get(keys.ofJob(jobId).events)?.listeners.size ?? 0,

    async close () {
      if (closed) return
      closed = true
      byKey.clear()
      reader.disconnect()
      await loop
      await commands.del(wakeKey).catch(() => {})
    }
  }
}

export type StreamReader = ReturnType<typeof createStreamReader>
