/** The pipelines this server runs, created once from config with the adapters they need. */
import type { Config } from '../config.ts'
import type { AnyPipeline } from '../jobs/pipeline.ts'
import { createReportPipeline } from './report/index.ts'

export interface ShippedPipelines {
  pipelines: AnyPipeline[]
  /** Releases what the pipelines hold (OCR workers, API clients). Safe to call twice. */
  close: () => Promise<void>
}

export async function createPipelines (config: Config): Promise<ShippedPipelines> {
  return {
    pipelines: [createReportPipeline({ maxGroups: config.REPORT_MAX_GROUPS })],
    close: async () => {}
  }
}
