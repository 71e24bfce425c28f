/**
 * An API instance as its own process, with the scale-out test pipelines (so it can accept
 * `redis-gated` uploads that the workers run). Configured by the environment like the real
 * server; prints `LISTENING <url>` once it listens.
 */
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createPipelines } from './scale-out-pipelines.ts'

const config = loadConfig()
const { pipelines, close } = await createPipelines(config)
const app = await buildApp(config, { pipelines })
app.addHook('onClose', close)
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`LISTENING ${url}`)
