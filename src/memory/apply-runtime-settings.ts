/**
 * Imported first by the entry points (server.ts, worker.ts): restarts the process with the glibc
 * malloc settings and the young-generation bound before the rest of the server is loaded (see
 * restart.ts); in the restarted process, the bound then applies to the main thread only
 * (young-generation.ts).
 */
import { restartWithRuntimeSettings } from './restart.ts'
import { releaseWorkerYoungGeneration } from './young-generation.ts'

restartWithRuntimeSettings()
releaseWorkerYoungGeneration(process.env)
