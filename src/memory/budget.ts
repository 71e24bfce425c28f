/**
 * A pool of bytes handed out first come, first served: work takes its estimate before it starts
 * and gives it back when it ends, and waits while the pool cannot cover it. The first in line is
 * never overtaken (a big job is not starved by a stream of small ones), and a request larger than
 * the whole pool is granted when nothing else holds any, so it runs alone rather than never.
 */

export interface MemoryBudget {
  readonly capacity: number
  /** Bytes currently granted. */
  readonly used: number
  /** Requests waiting. */
  readonly waiting: number
  /** Takes `bytes` now if it can; the returned function gives them back (idempotent). */
  tryAcquire: (bytes: number) => (() => void) | null
  /** Waits until `bytes` can be granted, or rejects with the signal's reason. */
  acquire: (bytes: number, signal?: AbortSignal) => Promise<() => void>
}

interface Waiter { bytes: number, grant: (release: () => void) => void }

export function createMemoryBudget (capacity: number): MemoryBudget {
  let used = 0
  const queue: Waiter[] = []

  const fits = (bytes: number) => used === 0 || used + bytes <= capacity
  const take = (bytes: number) => {
    used += bytes
    let released = false
    return () => {
      if (released) return
      released = true
      used -= bytes
      drain()
    }
  }
  const drain = () => {
    while (queue.length > 0 && fits((queue[0] as Waiter).bytes)) {
      const waiter = queue.shift() as Waiter
      waiter.grant(take(waiter.bytes))
    }
  }

  return {
    capacity,
    get used () { return used },
    get waiting () { return queue.length },
    tryAcquire (bytes) {
      if (queue.length > 0 || !fits(bytes)) return null
      return take(bytes)
    },
    acquire (bytes, signal) {
      const now = this.tryAcquire(bytes)
      if (now) return Promise.resolve(now)
      return new Promise((resolve, reject) => {
        signal?.throwIfAborted()
        const waiter: Waiter = {
          bytes,
          grant: release => {
            signal?.removeEventListener('abort', onAbort)
            resolve(release)
          }
        }
        const onAbort = () => {
          const index = queue.indexOf(waiter)
          if (index >= 0) queue.splice(index, 1)
          drain()
          reject(signal?.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(waiter)
      })
    }
  }
}
