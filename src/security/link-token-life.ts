/**
 * How long a job's link token opens its stream, result and PDF. A token carries its own expiry
 * (TOKEN_TTL_SECONDS from when it was issued), but a link must not die under a client that is
 * still following the job: an EventSource reconnects by the same URL after the server ends a
 * stream (MAX_STREAM_SECONDS, a restart), and a result link is opened when the job completes,
 * however long it ran. So a token past its own expiry is still honoured while its job is queued
 * or running, and for JOB_TTL_SECONDS after the job finished — the retention every finished job
 * is guaranteed. Reads that extend a job's retention do not extend its tokens.
 */
import { isTerminal, type Job } from '../jobs/model.ts'

export function jobOutlivesToken (job: Pick<Job, 'status' | 'finishedAt'>, jobTtlSeconds: number, now = Date.now()): boolean {
  if (!isTerminal(job.status)) return true
  const finishedAt = job.finishedAt === null ? Number.NaN : Date.parse(job.finishedAt)
  // A finished job without a finish time (never expected) is not given the benefit of the doubt.
  return Number.isFinite(finishedAt) && now < finishedAt + jobTtlSeconds * 1000
}
