/**
 * The job system as a Fastify service, decorated as `app.jobs`: the job service (jobs/service.ts),
 * the one door routes and plugins use. Store, queue and data folder are created here once from
 * config and are not exposed. Start-up recovers what a previous run left behind; shutdown gives
 * running jobs a bounded time, then interrupts them, and closes the store last.
 */
import fp from 'fastify-plugin'
import { createDataDir } from '../../jobs/data-dir.ts'
import type { AnyPipeline } from '../../jobs/pipeline.ts'
import { createQueue } from '../../jobs/queue/index.ts'
import { createJobService, type JobService } from '../../jobs/service.ts'
import { createStore } from '../../jobs/store/index.ts'

declare module 'fastify' {
  interface FastifyInstance { jobs: JobService }
}

export interface JobsPluginOptions {
  pipelines: readonly AnyPipeline[]
}

export default fp<JobsPluginOptions>(async function jobsPlugin (app, options) {
  const { config } = app
  const log = app.log.child({ component: 'jobs' })
  const dataDir = createDataDir(config.dataDir, log)
  const pipelines = new Map(options.pipelines.map(pipeline => [pipeline.name, pipeline]))
  const store = await createStore(config, dataDir, log)
  // With REDIS_URL jobs go to BullMQ and run on `npm run worker` processes (see jobs/queue/index.ts).
  const { queue, recover } = await createQueue(config, { store, paths: dataDir, pipelines, log })
  const service = createJobService({
    store,
    queue,
    pipelines,
    dataDir,
    log,
    stallTimeoutSeconds: config.STALL_TIMEOUT_SECONDS,
    watchIntervalMs: config.SWEEP_INTERVAL_MS,
    ...(recover ? { recover } : {})
  })
  app.decorate('jobs', service)

  app.addHook('onReady', service.start)
  app.addHook('onClose', async () => {
    try {
      await service.close(config.SHUTDOWN_GRACE_SECONDS * 1000)
    } finally {
      await store.close()
    }
  })
}, { name: 'jobs', dependencies: ['config'] })
