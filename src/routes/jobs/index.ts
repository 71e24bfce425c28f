/**
 * The jobs resource: upload (POST), read state, result and the artifacts pipelines declare
 * (the report's PDF), list, cancel or delete. Everything goes through the job service
 * (`app.jobs`), the one door into the job system.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError, shuttingDown } from '../../errors.ts'
import { jobLinks, toPublicJob } from '../../jobs/public-view.ts'
import { uploadRateLimit } from '../../plugins/external/rate-limit.ts'
import { receiveUpload } from '../../uploads/receive-upload.ts'
import { closeAfterAnswer } from '../../uploads/unread-body.ts'
import { AcceptedBody, ErrorBody, JobBody, JobIdHeader, JobIdParams, Links, ListJobsQuery } from './schemas.ts'

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 410: ErrorBody }
/** The snapshot plus fresh links: with API keys on, this is how a client renews an expired link token. */
const JobWithLinks = Type.Object({ ...JobBody.properties, links: Links })

export default async function jobRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { jobs } = app
  const linksOf = (id: string, pipeline: string) => jobLinks(id, app.access.linkToken(id), jobs.artifactsOf(pipeline))

  app.post('/', {
    config: { rateLimit: uploadRateLimit(app), shedUnderPressure: true },
    schema: {
      summary: 'Upload a file and start a job',
      description: 'multipart/form-data: `file` (one or more for intake), optional `pipeline` (`report` or `intake`, inferred from the file type when absent), and any other text fields as the job\'s form fields.',
      headers: JobIdHeader,
      response: { 202: AcceptedBody, 400: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody, 507: ErrorBody }
    }
  }, async (request, reply) => {
    if (app.streams.closing) throw shuttingDown()
    if (!request.isMultipart()) throw new AppError('not_multipart', 415, 'Send the upload as multipart/form-data with the file in a field named "file".')
    await app.admission.admitUpload(request, reply)
    const requestedId = request.headers['x-job-id']
    // The body's length is the file's size to within the multipart framing: upload progress.
    const expectedBytes = Number(request.headers['content-length'])
    const job = await jobs.submit({
      ...(requestedId ? { requestedId } : {}),
      ...(expectedBytes > 0 ? { expectedBytes } : {}),
      receive: (pathOf, hooks) => receiveUpload(request, pathOf, app.config.MAX_UPLOAD_BYTES, hooks)
    }).catch((error: unknown) => {
      closeAfterAnswer(request, reply)
      throw error
    })
    const links = linksOf(job.id, job.pipeline)
    return reply.status(202).header('location', links.self).header('x-job-id', job.id)
      .send({ id: job.id, pipeline: job.pipeline, status: job.status, createdAt: job.createdAt, links })
  })

  app.get('/', {
    schema: { summary: 'Recent jobs, newest first', querystring: ListJobsQuery, response: { 200: Type.Object({ jobs: Type.Array(JobBody) }) } }
  }, async request => {
    const list = await jobs.list({ status: request.query.status, limit: request.query.limit })
    return { jobs: list.map(job => toPublicJob(job, null)) }
  })

  app.get('/:id', {
    schema: { summary: 'A job\'s current state', params: JobIdParams, response: { 200: JobWithLinks, ...errors } }
  }, async request => {
    const { job, expiresAt } = await jobs.find(request.params.id)
    return { ...toPublicJob(job, expiresAt), links: linksOf(job.id, job.pipeline) }
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
    const { result, partial } = await jobs.result(request.params.id)
    if (partial) reply.header('stagecast-result', 'partial')
    return reply.type('application/json; charset=utf-8').send(result)
  })

  // One route per artifact a pipeline declares, so each is documented with its own type.
  const artifacts = new Map([...jobs.pipelines.values()].flatMap(pipeline => pipeline.artifacts ?? []).map(artifact => [artifact.name, artifact]))
  for (const artifact of artifacts.values()) {
    app.get(`/:id/${artifact.name}`, {
      config: { jobToken: true },
      schema: { summary: artifact.summary, params: JobIdParams, produces: [artifact.type], response: { 200: Type.Unknown({ description: artifact.type }), ...errors } }
    }, async (request, reply) => {
      const file = await jobs.artifact(request.params.id, artifact.name)
      const { size } = await stat(file.path).catch(() => {
        throw new AppError('artifact_missing', 404, `The ${artifact.name} of this job is no longer available. Upload the file again.`)
      })
      return reply.type(file.type).header('content-length', size)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(createReadStream(file.path))
    })
  }

  app.delete('/:id', {
    schema: { summary: 'Cancel a queued or running job, or delete a finished job\'s data', params: JobIdParams, response: { 204: Type.Null(), ...errors } }
  }, async (request, reply) => {
    await jobs.cancelOrDelete(request.params.id)
    return reply.status(204).send(null)
  })
}
