/**
 * The server the end-to-end benchmark measures: `src/server.ts`'s app with the report pipeline
 * registered explicitly, so the benchmark does not depend on which pipelines the build ships.
 * Like `src/server.ts` it first restarts itself with its runtime settings (memory/restart.ts),
 * so what is measured is what ships. Prints `LISTENING <url>` once ready.
 */
import '../src/memory/apply-runtime-settings.ts'
import { buildApp } from '../src/app.ts'
import { useCompileCache } from '../src/compile-cache.ts'
import { loadConfig } from '../src/config.ts'
import { createReportPipeline } from '../src/pipelines/report/index.ts'

useCompileCache()
const config = loadConfig()
const app = await buildApp(config, { pipelines: [createReportPipeline({ maxGroups: config.REPORT_MAX_GROUPS, readThreads: config.REPORT_READ_THREADS })] })
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0), () => process.exit(1))
})
const url = await app.listen({ host: '127.0.0.1', port: config.PORT })
console.log(`LISTENING ${url}`)
