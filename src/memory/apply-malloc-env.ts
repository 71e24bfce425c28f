/**
 * Imported first by the entry points (server.ts, worker.ts): restarts the process with the glibc
 * malloc settings before the rest of the server is loaded (see malloc-env.ts).
 */
import { restartWithMallocSettings } from './malloc-env.ts'

restartWithMallocSettings()
