/**
 * Imported first by the entry points (server.ts, worker.ts): restarts the process with the glibc
 * malloc settings and the young-generation bound before the rest of the server is loaded (see
 * restart.ts).
 */
import { restartWithRuntimeSettings } from './restart.ts'

restartWithRuntimeSettings()
