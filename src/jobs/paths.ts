/**
 * Where a job's files live under DATA_DIR. Every path is built from the job id (a validated
 * UUID) and names we choose — never from a client's file name.
 */
import { join } from 'node:path'

export interface JobPaths {
  /** The job records of the embedded store. */
  jobsDir: string
  /** `uploads/<id>/`: the stored inputs, removed when the job ends. */
  uploadDir: (jobId: string) => string
  /** `artifacts/<id>/`: downloadable outputs (report.pdf), removed when the job is evicted. */
  artifactDir: (jobId: string) => string
  /** Parent of the per-job scratch folders, each removed when its job's run ends. */
  scratchRoot: string
  /** Local exports and archives (intake pipeline without Google). */
  exportsDir: string
}

export function createJobPaths (dataDir: string): JobPaths {
  return {
    jobsDir: join(dataDir, 'jobs'),
    uploadDir: jobId => join(dataDir, 'uploads', jobId),
    artifactDir: jobId => join(dataDir, 'artifacts', jobId),
    scratchRoot: join(dataDir, 'scratch'),
    exportsDir: join(dataDir, 'exports')
  }
}
