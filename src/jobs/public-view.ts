/**
 * What clients see of a job: the REST snapshot and the SSE event payloads, both derived from
 * the store's records here so the two can never disagree. Internal fields (stored file paths,
 * the sequence counter) stay inside.
 */
import type { Job, JobEvent } from './model.ts'
import type { PipelineArtifact } from './pipeline.ts'

/**
 * The links of a job. With API keys on, `token` is the job's signed link token: the stream,
 * result and PDF accept it in place of the key (an EventSource cannot send headers).
 */
export const jobLinks = (id: string, token: string | undefined, artifacts: readonly PipelineArtifact[]) => {
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  const links: Record<string, string> = {
    self: `/api/jobs/${id}`,
    events: `/api/progress/${id}${query}`,
    result: `/api/jobs/${id}/result${query}`
  }
  for (const artifact of artifacts) links[artifact.link] = `/api/jobs/${id}/${artifact.name}${query}`
  return links as { self: string, events: string, result: string, [artifact: string]: string }
}

export function toPublicJob (job: Job, expiresAt: string | null) {
  return {
    id: job.id,
    pipeline: job.pipeline,
    status: job.status,
    stage: job.stage,
    percent: job.percent,
    message: job.message,
    stages: job.stages.map(({ name, title, status, percent, startedAt, finishedAt }) => ({ name, title, status, percent, startedAt, finishedAt })),
    error: job.error,
    files: job.input.files.map(({ name, type, bytes }) => ({ name, type, bytes })),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    expiresAt,
    lastEventId: job.seq
  }
}

export type PublicJob = ReturnType<typeof toPublicJob>

/** The SSE event name and JSON data for a stored event, exactly as CONTRACT.md lists them. */
export function toStreamEvent (jobId: string, event: JobEvent): { name: string, data: Record<string, unknown> } {
  switch (event.type) {
    case 'progress':
      return {
        name: 'progress',
        data: {
          jobId,
          seq: event.seq,
          stage: event.stage,
          stageIndex: event.stageIndex,
          stageCount: event.stageCount,
          percent: event.percent,
          message: event.message,
          status: event.status,
          phase: event.phase,
          at: event.at,
          ...(event.detail ? { detail: event.detail } : {})
        }
      }
    case 'complete':
      return { name: 'complete', data: { jobId, seq: event.seq, percent: 100, result: `/api/jobs/${jobId}/result`, at: event.at } }
    case 'failed':
      return {
        name: 'failed',
        data: { jobId, seq: event.seq, stage: event.stage, code: event.code, message: event.message, ...(event.location ? { location: event.location } : {}), at: event.at }
      }
    case 'cancelled':
    case 'interrupted':
      return { name: event.type, data: { jobId, seq: event.seq, message: event.message, at: event.at } }
  }
}
