/**
 * Liveness of a worker process, which has no HTTP port: while its BullMQ worker runs and the
 * store answers, it rewrites a heartbeat file every few seconds. Run as a script
 * (`node src/jobs/queue/bullmq-health.ts`, the container's health check) it exits 0 when the
 * heartbeat is fresh and 1 otherwise.
 */
import { stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HEARTBEAT_FILE = process.env.WORKER_HEARTBEAT_FILE ?? join(tmpdir(), 'stagecast-worker.heartbeat')
const INTERVAL_MS = 5000
/** Three missed beats: the worker is stuck or cut off from Redis. */
const STALE_AFTER_MS = 3 * INTERVAL_MS

/** Beats while `isHealthy()` resolves true; returns the function that stops it. */
export function startHeartbeat (isHealthy: () => Promise<boolean>, file = HEARTBEAT_FILE): () => void {
  const beat = async () => {
    if (await isHealthy().catch(() => false)) await writeFile(file, new Date().toISOString()).catch(() => {})
  }
  // beat() never rejects.
  beat()
  const timer = setInterval(beat, INTERVAL_MS)
  return () => clearInterval(timer)
}

export async function heartbeatIsFresh (file = HEARTBEAT_FILE, now = Date.now()): Promise<boolean> {
  try {
    return now - (await stat(file)).mtimeMs < STALE_AFTER_MS
  } catch {
    return false
  }
}

if (import.meta.main) {
  process.exit(await heartbeatIsFresh() ? 0 : 1)
}
