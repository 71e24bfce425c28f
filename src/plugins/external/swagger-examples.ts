/**
 * One example per documented response, keyed by operation (`get /api/jobs/{id}`) and status.
 * The success bodies are typed against the route schemas, so a schema change that breaks an
 * example fails the typecheck; the OpenAPI test also validates each example against the
 * document's own schema.
 */
import type { Static } from 'typebox'
import type { AcceptedBody, JobBody, Links } from '../../routes/jobs/schemas.ts'

const id = '3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10'
const token = 'snl2k0.q3N5mV1u0m3b2Yc0yH8QeJ7xw6Lk4tR9aP2sD5fG8hJ'

const links: Static<typeof Links> & { pdf: string } = {
  self: `/api/jobs/${id}`,
  events: `/api/progress/${id}?token=${token}`,
  result: `/api/jobs/${id}/result?token=${token}`,
  pdf: `/api/jobs/${id}/report.pdf?token=${token}`
}

const accepted: Static<typeof AcceptedBody> = { id, pipeline: 'report', status: 'queued', createdAt: '2025-03-01T10:00:00.000Z', links }

const job: Static<typeof JobBody> = {
  id,
  pipeline: 'report',
  status: 'running',
  stage: 'forecasting',
  percent: 25,
  message: 'Forecasting revenue for North…',
  stages: [
    { name: 'upload', title: 'Upload', status: 'completed', percent: 5, startedAt: '2025-03-01T10:00:00.100Z', finishedAt: '2025-03-01T10:00:00.300Z' },
    { name: 'validation', title: 'Validation', status: 'completed', percent: 15, startedAt: '2025-03-01T10:00:00.300Z', finishedAt: '2025-03-01T10:00:02.000Z' },
    { name: 'forecasting', title: 'Forecasting', status: 'running', percent: 50, startedAt: '2025-03-01T10:00:02.000Z', finishedAt: null }
  ],
  error: null,
  files: [{ name: 'sales.csv', type: 'text/csv', bytes: 48213 }],
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T10:00:04.000Z',
  finishedAt: null,
  expiresAt: null,
  lastEventId: 9
}

const error = (code: string, message: string, extra: Record<string, unknown> = {}) => ({ error: code, message, ...extra })

const invalidId = error('invalid_request', 'Invalid request: params/id must match format "uuid"')
const notFound = error('job_not_found', 'No job has this id. Check the id, or upload the file again.')
const expired = error('job_expired', 'This job finished and its data has been removed after the retention period. Upload the file again.')
const notFinished = error('job_not_finished', 'The job is running; its result is available once it has completed.', { status: 'running' })
const jobErrors = { 400: invalidId, 404: notFound, 409: notFinished, 410: expired }

/** Responses the access layer adds to every /api operation when API keys are on. */
export const unauthorizedExample = error('api_key_required', 'This API needs an API key: send "Authorization: Bearer <key>". Stream, result and PDF links from an upload reply carry their own token.')
export const rateLimitedExample = error('rate_limited', 'Too many uploads from this client: at most 60 per minute. Try again in 42 seconds.')
export const overloadedExample = error('overloaded', 'New uploads are paused: 1,000 jobs are already waiting (MAX_QUEUED_JOBS is 1,000). Try again in 30 seconds; jobs already accepted carry on.', { retryAfterSeconds: 30 })

const reportResult = {
  pipeline: 'report',
  input: {
    rows: 1096,
    skippedRows: 2,
    delimiter: ',',
    dateColumn: 'date',
    dateFormat: 'YYYY-MM-DD',
    regionColumn: 'region',
    departmentColumn: null,
    measures: ['revenue'],
    period: 'month',
    start: '2022-01',
    end: '2024-12',
    warnings: [{ code: 'unparsable_number', message: 'Row 88: "n/a" is not a number; the row was skipped.', row: 88, column: 'revenue' }]
  },
  totals: { revenue: 1284300.5 },
  forecasts: { overall: { revenue: { model: 'mstl-ets', history: [{ period: '2024-12', value: 41250 }], forecast: [{ period: '2025-01', value: 42010, lower: 38100, upper: 45900 }], accuracy: { holdout: 6, mase: 0.71, smape: 0.082, baselineMase: 1, coverage: 0.83 } } }, byRegion: {}, byDepartment: {} },
  analytics: { kpis: { growthLastPeriod: 0.031 }, anomalies: [], correlations: [] },
  charts: [{ id: 'revenue-forecast', title: 'Revenue: history and forecast', type: 'line' }]
}

export const operationExamples: Record<string, Record<string, unknown>> = {
  'post /api/jobs': {
    202: accepted,
    400: error('no_file', 'The upload has no file. Send it as multipart/form-data in a field named "file".'),
    409: error('job_id_in_use', 'Another upload already used this X-Job-Id. Generate a new UUID for each upload.'),
    413: error('file_too_large', 'The upload is larger than the limit of 536870912 bytes.'),
    415: error('unsupported_file_type', 'No pipeline accepts this file (detected type: application/zip). Upload a CSV/TSV for a report, or a PDF/PNG/JPEG/TIFF for intake.'),
    503: overloadedExample,
    507: error('insufficient_storage', 'The server has no room left to store this upload or its job. Nothing was kept; try again later, and tell the server\'s operator if it keeps happening.')
  },
  'get /api/jobs': { 200: { jobs: [job] }, 400: error('invalid_request', 'Invalid request: querystring/limit must be <= 100') },
  'get /api/jobs/{id}': { 200: { ...job, links }, ...jobErrors },
  'delete /api/jobs/{id}': { ...jobErrors },
  'get /api/jobs/{id}/result': { 200: reportResult, ...jobErrors },
  'get /api/jobs/{id}/report.pdf': { ...jobErrors, 404: error('no_such_artifact', 'This is a intake job; it has no report.pdf.') },
  'get /api/progress/{id}': { 400: error('invalid_last_event_id', 'Last-Event-ID must be the number of an event this stream sent.'), 410: expired },
  'get /health': { 200: { status: 'ok' } },
  'get /ready': { 200: { status: 'ready' }, 503: { status: 'unavailable', reason: 'The job store does not answer.' } },
  'get /metrics': { 200: '# HELP stagecast_jobs_submitted_total Jobs accepted, by pipeline\n# TYPE stagecast_jobs_submitted_total counter\nstagecast_jobs_submitted_total{pipeline="report"} 42\n' }
}
