/**
 * The server the intake benchmarks measure: `src/server.ts`'s app with the intake pipeline and
 * the adapters from config registered explicitly, so the benchmark does not depend on which
 * pipelines the build ships. Prints `LISTENING <url>` once ready.
 */
import { createAdapters } from '../src/adapters/index.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createIntakePipeline } from '../src/pipelines/intake/index.ts'

const config = loadConfig()
const adapters = await createAdapters(config)
const pipeline = createIntakePipeline({ adapters, maxPages: config.MAX_PAGES, maxPagePixels: config.MAX_PAGE_PIXELS })
const app = await buildApp(config, { pipelines: [pipeline] })
app.addHook('onClose', adapters.close)
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0), () => process.exit(1))
})
const url = await app.listen({ host: '127.0.0.1', port: config.PORT })
console.log(`LISTENING ${url}`)
