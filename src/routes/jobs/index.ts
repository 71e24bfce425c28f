/**
 * The jobs resource: upload (POST), read state, result and report PDF, list, cancel or delete.
 * Every read goes to the store — the single source of truth the progress stream also reads.
 */
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError, jobExpired, jobIdInUse, jobNotFinished, jobNotFound, shuttingDown } from '../../errors.ts'
import { choosePipeline } from '../../jobs/choose-pipeline.ts'
import { jobLinks, toPublicJob } from '../../jobs/public-view.ts'
import type { Job } from '../../jobs/model.ts'
import { removeUploads } from '../../jobs/remove-uploads.ts'
import { uploadRateLimit } from '../../plugins/external/rate-limit.ts'
import { receiveUpload } from '../../uploads/receive-upload.ts'
import { AcceptedBody, ErrorBody, JobBody, JobIdHeader, JobIdParams, Links, ListJobsQuery } from './schemas.ts'

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 410: ErrorBody }
/** The snapshot plus fresh links: with API keys on, this is how a client renews an expired link token. */
const JobWithLinks = Type.Object({ ...JobBody.properties, links: Links })

export default async function jobRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { store, service, pipelines, paths } = app.jobs

  /** The job, or the 404/410 the contract asks for. Reading extends a finished job's retention. */
  async function findJob (id: string): Promise<{ job: Job, expiresAt: string | null }> {
    const lookup = await store.get(id)
    if (lookup.state === 'missing') throw jobNotFound()
    if (lookup.state === 'expired') throw jobExpired()
    return lookup
  }

  app.post('/', {
    config: { rateLimit: uploadRateLimit(app), shedUnderPressure: true },
    schema: {
      summary: 'Upload a file and start a job',
      description: 'multipart/form-data: `file` (one or more for intake), optional `pipeline` (`report` or `intake`, inferred from the file type when absent), and any other text fields as the job\'s form fields.',
      headers: JobIdHeader,
      response: { 202: AcceptedBody, 400: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody }
    }
  }, async (request, reply) => {
    if (app.streams.closing) throw shuttingDown()
    if (!request.isMultipart()) throw new AppError('not_multipart', 415, 'Send the upload as multipart/form-data with the file in a field named "file".')
    await app.admission.admitUpload(request, reply)
    const id = request.headers['x-job-id'] ?? randomUUID()
    if ((await store.get(id)).state !== 'missing') throw jobIdInUse()

    const upload = await receiveUpload(request, paths.uploadDir(id), app.config.MAX_UPLOAD_BYTES)
    let job: Job
    try {
      const pipeline = choosePipeline(pipelines, upload.pipelineName, upload.files)
      job = await service.submit({ id, pipeline, files: upload.files, fields: upload.fields })
    } catch (error) {
      await removeUploads(paths.uploadDir(id), upload.files)
      throw error
    }
    const links = jobLinks(id, app.access.linkToken(id), job.pipeline)
    return reply.status(202).header('location', links.self).header('x-job-id', id)
      .send({ id, pipeline: job.pipeline, status: job.status, createdAt: job.createdAt, links })
  })

  app.get('/', {
    schema: { summary: 'Recent jobs, newest first', querystring: ListJobsQuery, response: { 200: Type.Object({ jobs: Type.Array(JobBody) }) } }
  }, async request => {
    const jobs = await store.list({ status: request.query.status, limit: request.query.limit })
    return { jobs: jobs.map(job => toPublicJob(job, null)) }
  })

  app.get('/:id', {
    schema: { summary: 'A job\'s current state', params: JobIdParams, response: { 200: JobWithLinks, ...errors } }
  }, async request => {
    const { job, expiresAt } = await findJob(request.params.id)
    return { ...toPublicJob(job, expiresAt), links: jobLinks(job.id, app.access.linkToken(job.id), job.pipeline) }
  })

  app.get('/:id/result', {
    config: { jobToken: true },
    schema: {
      summary: 'The result document once the job has completed',
      description: 'A failed job that produced partial results (e.g. text extracted before an export failed) serves them too, marked with the header `Stagecast-Result: partial`.',
      params: JobIdParams,
      response: { 200: Type.Unknown({ description: 'The result document (see CONTRACT.md)' }), ...errors }
    }
  }, async (request, reply) => {
    const { job } = await findJob(request.params.id)
    if (job.status !== 'completed' && job.status !== 'failed') throw jobNotFinished(job.status)
    const result = await store.getResult(job.id)
    if (result === undefined) throw jobNotFinished(job.status)
    if (job.status === 'failed') reply.header('stagecast-result', 'partial')
    return reply.type('application/json; charset=utf-8').send(result)
  })

  app.get('/:id/report.pdf', {
    config: { jobToken: true },
    schema: { summary: 'The report as a PDF (report jobs)', params: JobIdParams, produces: ['application/pdf'], response: { 200: Type.Unknown({ description: 'application/pdf' }), ...errors } }
  }, async (request, reply) => {
    const { job } = await findJob(request.params.id)
    if (job.pipeline !== 'report') throw new AppError('no_report_pdf', 404, `This is a ${job.pipeline} job; only report jobs have a PDF.`)
    if (job.status !== 'completed') throw jobNotFinished(job.status)
    const path = join(paths.artifactDir(job.id), 'report.pdf')
    const { size } = await stat(path).catch(() => { throw new AppError('report_missing', 404, 'The PDF of this report is no longer available. Upload the file again.') })
    return reply.type('application/pdf').header('content-length', size)
      .header('content-disposition', `attachment; filename="stagecast-report-${job.id.slice(0, 8)}.pdf"`)
      .send(createReadStream(path))
  })

  app.delete('/:id', {
    schema: { summary: 'Cancel a queued or running job, or delete a finished job\'s data', params: JobIdParams, response: { 204: Type.Null(), ...errors } }
  }, async (request, reply) => {
    await service.cancelOrDelete(request.params.id)
    return reply.status(204).send(null)
  })
}
