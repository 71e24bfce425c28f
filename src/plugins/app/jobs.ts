/**
 * The job system as a Fastify service: store, queue and lifecycle, created once from config
 * and decorated as `app.jobs`. Start-up resumes or interrupts what a previous run left behind;
 * shutdown gives running jobs a bounded time, then interrupts them, and closes the store last.
 */
import fp from 'fastify-plugin'
import type { AnyPipeline } from '../../jobs/pipeline.ts'
import { createJobPaths, type JobPaths } from '../../jobs/paths.ts'
import { createQueue } from '../../jobs/queue/index.ts'
import type { JobQueue } from '../../jobs/queue/types.ts'
import { createJobService, type JobService } from '../../jobs/service.ts'
import { createStore } from '../../jobs/store/index.ts'
import type { JobStore } from '../../jobs/store/types.ts'

export interface JobsDecorator {
  store: JobStore
  queue: JobQueue
  service: JobService
  pipelines: ReadonlyMap<string, AnyPipeline>
  paths: JobPaths
}

declare module 'fastify' {
  interface FastifyInstance { jobs: JobsDecorator }
}

export interface JobsPluginOptions {
  pipelines: readonly AnyPipeline[]
}

export default fp<JobsPluginOptions>(async function jobsPlugin (app, options) {
  const { config } = app
  const log = app.log.child({ component: 'jobs' })
  const paths = createJobPaths(config.dataDir)
  const pipelines = new Map(options.pipelines.map(pipeline => [pipeline.name, pipeline]))
  const store = await createStore(config, log)
  // With REDIS_URL jobs go to BullMQ and run on `npm run worker` processes (see jobs/queue/index.ts).
  const { queue, recover } = await createQueue(config, { store, paths, pipelines, log })
  const service = createJobService({
    store, queue, pipelines, paths, log, stallTimeoutSeconds: config.STALL_TIMEOUT_SECONDS, watchIntervalMs: config.SWEEP_INTERVAL_MS
  })
  app.decorate('jobs', { store, queue, service, pipelines, paths })

  app.addHook('onReady', async () => {
    await (recover ?? service.recover)()
    service.startWatchdog()
  })
  app.addHook('onClose', async () => {
    try {
      await service.close(config.SHUTDOWN_GRACE_SECONDS * 1000)
    } finally {
      await store.close()
    }
  })
}, { name: 'jobs', dependencies: ['config'] })
