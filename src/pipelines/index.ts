/** The pipelines this server runs, created once from config with the adapters they need. */
import { createAdapters } from '../adapters/index.ts'
import type { Config } from '../config.ts'
import type { AnyPipeline } from '../jobs/pipeline.ts'
import type { Logger } from '../logger.ts'
import { createIntakePipeline } from './intake/index.ts'
import { createReportPipeline } from './report/index.ts'

export interface ShippedPipelines {
  pipelines: AnyPipeline[]
  /** Releases what the pipelines hold (OCR workers, API clients). Safe to call twice. */
  close: () => Promise<void>
}

export async function createPipelines (config: Config, log?: Logger): Promise<ShippedPipelines> {
  // One set of external-service clients per process, shared by every intake job.
  const adapters = await createAdapters(config, log ? { logger: log.child({ component: 'adapters' }) } : {})
  log?.info({ adapters: adapters.summary }, 'intake adapters ready')
  return {
    pipelines: [
      createReportPipeline({ maxGroups: config.REPORT_MAX_GROUPS, readThreads: config.REPORT_READ_THREADS }),
      createIntakePipeline({ adapters, maxPages: config.MAX_PAGES, maxPagePixels: config.MAX_PAGE_PIXELS })
    ],
    close: adapters.close
  }
}
