/** The pipelines this server runs, created once from config with the adapters they need. */
import { createAdapters } from '../adapters/index.ts'
import type { Config } from '../config.ts'
import type { AnyPipeline } from '../jobs/pipeline.ts'
import type { Logger } from '../logger.ts'
import { memoryPlan } from '../memory/index.ts'
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
  const memory = memoryPlan(config.MEMORY_LIMIT_MB)
  log?.info({ limitMb: toMb(memory.limit.bytes), source: memory.limit.source, poolMb: toMb(memory.poolBytes), pageMb: toMb(memory.pageBytes), maxImagePixels: memory.maxImagePixels, maxRenderPixels: memory.maxRenderPixels }, 'memory plan')
  const report = createReportPipeline({ maxGroups: config.REPORT_MAX_GROUPS, readThreads: config.REPORT_READ_THREADS })
  return {
    pipelines: [
      { ...report, memoryBytes: memory.jobBytes.report },
      createIntakePipeline({
        adapters,
        maxPages: config.MAX_PAGES,
        maxPagePixels: Math.min(config.MAX_PAGE_PIXELS, memory.maxRenderPixels),
        maxImagePixels: memory.maxImagePixels,
        memoryBytes: memory.jobBytes.intake
      })
    ],
    close: adapters.close
  }
}

const toMb = (bytes: number) => Math.round(bytes / 1024 / 1024)
