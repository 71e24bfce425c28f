/**
 * `npm run worker`: a scale-out worker process (needs REDIS_URL). It takes jobs from BullMQ and
 * runs them with the same runner and pipelines as the API's embedded queue, reading uploads
 * from the DATA_DIR it shares with the API instances. Start as many as you like.
 *
 * SIGTERM/SIGINT: stop taking jobs, give running ones SHUTDOWN_GRACE_SECONDS, hand any still
 * running back to the queue for another worker, close Redis, exit 0.
 *
 * STAGECAST_PIPELINES_MODULE=/abs/path.ts (tests only) loads `createPipelines(config)` from that
 * module instead of the shipped pipelines, because a child process cannot be handed in-memory
 * test pipelines; production never sets it.
 */
import './memory/apply-runtime-settings.ts'
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import pino from 'pino'
import { useCompileCache } from './compile-cache.ts'
import { loadConfig, type Config } from './config.ts'
import { createDataDir } from './jobs/data-dir.ts'
import { bindFileLifetimes } from './jobs/file-lifetimes.ts'
import { startHeartbeat } from './jobs/queue/bullmq-health.ts'
import { startJobWorker } from './jobs/queue/bullmq-worker.ts'
import { createRedisStore } from './jobs/store/redis.ts'
import { startWorkerMetrics } from './metrics/worker-metrics.ts'
import { createPipelines } from './pipelines/index.ts'

/** Workers wait this long for a restarted Redis before a write fails (the API answers 503 sooner). */
const WRITE_WAIT_MS = 30_000

let config: Config
try {
  config = loadConfig()
  if (!config.REDIS_URL) throw new Error('REDIS_URL is not set. Workers run only in scale-out mode; without Redis, `npm start` runs jobs itself.')
} catch (error) {
  console.error(`stagecast worker: invalid configuration: ${(error as Error).message}`)
  process.exit(1)
}

useCompileCache()
const log = pino({ level: config.LOG_LEVEL, base: { role: 'worker', pid: process.pid }, redact: { paths: ['*.token', '*.private_key', '*.access_token'], censor: '[redacted]' } })

async function loadPipelines (settings: Config): ReturnType<typeof createPipelines> {
  const modulePath = process.env.STAGECAST_PIPELINES_MODULE
  if (!modulePath) return createPipelines(settings, log)
  if (!isAbsolute(modulePath)) throw new Error('STAGECAST_PIPELINES_MODULE must be an absolute path.')
  const loaded = await import(pathToFileURL(modulePath).href) as { createPipelines?: typeof createPipelines }
  if (typeof loaded.createPipelines !== 'function') throw new Error(`${modulePath} does not export createPipelines(config).`)
  return loaded.createPipelines(settings)
}

try {
  const shipped = await loadPipelines(config)
  const store = await createRedisStore({
    url: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    jobTtlSeconds: config.JOB_TTL_SECONDS,
    tombstoneTtlSeconds: config.TOMBSTONE_TTL_SECONDS,
    sweepIntervalMs: config.SWEEP_INTERVAL_MS,
    writeWaitMs: WRITE_WAIT_MS,
    log
  })
  const dataDir = createDataDir(config.dataDir, log)
  bindFileLifetimes(store, dataDir)
  const worker = startJobWorker({
    url: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    store,
    pipelines: new Map(shipped.pipelines.map(pipeline => [pipeline.name, pipeline])),
    paths: dataDir,
    log,
    concurrency: config.JOB_CONCURRENCY,
    lockMs: config.WORKER_LOCK_MS
  })
  const metrics = config.WORKER_METRICS_PORT > 0
    ? await startWorkerMetrics({ store, runningCount: worker.runningCount, host: config.HOST, port: config.WORKER_METRICS_PORT, log }).catch((error: unknown) => {
      // Running jobs matters more than being scraped: a taken port costs the metrics, not the worker.
      log.error({ err: error, port: config.WORKER_METRICS_PORT }, 'WORKER_METRICS_PORT cannot be used, so this worker serves no metrics; give each worker on one machine its own port (or 0)')
      return undefined
    })
    : undefined
  if (metrics) log.info({ url: metrics.url }, 'worker metrics ready')
  const stopHeartbeat = startHeartbeat(async () => worker.worker.isRunning() && await store.ping().then(() => true))

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal, running: worker.runningCount() }, 'worker shutting down')
    const forceExit = setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(1)
    }, (config.SHUTDOWN_GRACE_SECONDS + 15) * 1000)
    forceExit.unref()
    stopHeartbeat()
    try {
      await worker.close(config.SHUTDOWN_GRACE_SECONDS * 1000)
      await metrics?.close()
      await store.close()
      await shipped.close()
      log.info('worker stopped')
      process.exit(0)
    } catch (error) {
      log.error({ err: error }, 'error while shutting down')
      process.exit(1)
    }
  }
  // shutdown() handles its own errors and exits.
  process.on('SIGINT', () => { shutdown('SIGINT') })
  process.on('SIGTERM', () => { shutdown('SIGTERM') })
  await worker.worker.waitUntilReady()
  log.info({ concurrency: config.JOB_CONCURRENCY, pipelines: [...shipped.pipelines.map(pipeline => pipeline.name)] }, 'worker ready')
} catch (error) {
  log.fatal({ err: error }, 'worker could not start')
  process.exit(1)
}
