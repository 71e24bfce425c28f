/**
 * A real stagecast server process running test pipelines, for tests that must kill and restart
 * a server, and for benchmarks (`instant` finishes at once; `hold` runs until it is stopped;
 * `ticker` reports progress on a clock). It prints its URL.
 */
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { instantPipeline, tickerPipeline } from './test-pipelines.ts'
import type { Pipeline } from '../../src/jobs/pipeline.ts'

const hold: Pipeline<null> = {
  ...instantPipeline('hold'),
  stages: instantPipeline('hold').stages.map(stage => ({
    ...stage,
    run: ctx => new Promise<void>((resolve, reject) => {
      ctx.progress(0.5, `Holding in ${stage.name}`)
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true })
    })
  }))
}

const app = await buildApp(loadConfig(), { pipelines: [instantPipeline('instant'), hold, tickerPipeline()] })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`LISTENING ${url}`)
