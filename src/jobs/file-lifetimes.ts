/**
 * Ties each job file's lifetime to the job's own events, in every process that writes them:
 * a job's uploads go when it ends (whoever ended it: runner, cancel, stall watchdog, recovery),
 * its artifacts when its data is evicted or deleted. No queue, route or worker removes files
 * itself, so no path can forget to, and none can remove them early.
 */
import type { DataDir } from './data-dir.ts'
import type { JobStore, Unsubscribe } from './store/types.ts'

export function bindFileLifetimes (store: JobStore, dataDir: DataDir): Unsubscribe {
  const stop = store.onAppended((event, job) => {
    if (event.type !== 'progress') void dataDir.removeUploads(job.id, job.input.files)
  })
  store.onEvicted(id => {
    void dataDir.removeArtifacts(id)
    void dataDir.removeUploads(id)
  })
  return stop
}
