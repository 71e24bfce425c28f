/**
 * Starts stagecast: validate config (a bad variable stops here, named), build, listen, and shut
 * down gracefully on SIGINT/SIGTERM — streams end first, running jobs get SHUTDOWN_GRACE_SECONDS.
 * The first import may restart the process once with glibc's malloc settings and a bounded young
 * generation (memory/restart.ts).
 */
import './memory/apply-runtime-settings.ts'
import { buildApp } from './app.ts'
import { useCompileCache } from './compile-cache.ts'
import { loadConfig, type Config } from './config.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  console.error(`stagecast: invalid configuration: ${(error as Error).message}`)
  process.exit(1)
}

useCompileCache()
let app: Awaited<ReturnType<typeof buildApp>>
try {
  app = await buildApp(config)
} catch (error) {
  // A setting the checks above could not judge (DATA_DIR unusable, its database held by another
  // process): one line that names it, not a stack trace.
  console.error(`stagecast: cannot start: ${(error as Error).message}`)
  process.exit(1)
}

let stopping = false
async function shutdown (signal: string) {
  if (stopping) return
  stopping = true
  app.log.info({ signal }, 'shutting down')
  const forceExit = setTimeout(() => {
    app.log.error('shutdown took too long; exiting')
    process.exit(1)
  }, (config.SHUTDOWN_GRACE_SECONDS + 15) * 1000)
  forceExit.unref()
  try {
    await app.close()
    process.exit(0)
  } catch (error) {
    app.log.error({ err: error }, 'error while shutting down')
    process.exit(1)
  }
}
process.on('SIGINT', () => { void shutdown('SIGINT') })
process.on('SIGTERM', () => { void shutdown('SIGTERM') })

try {
  await app.listen({ host: config.HOST, port: config.PORT })
} catch (error) {
  app.log.error({ err: error }, 'could not start')
  process.exit(1)
}
