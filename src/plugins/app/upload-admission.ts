/**
 * `app.admission`: the decision to take a new upload (overload/upload-admission.ts) as a
 * service. The upload route makes one call, `admitUpload(request, reply)`, which answers 503
 * with Retry-After when the queue is past MAX_QUEUED_JOBS, DATA_DIR's disk is short of
 * MIN_FREE_DISK_BYTES, or an added check (the memory budget: `app.admission.addCheck`) refuses.
 */
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { uploadsPaused } from '../../errors.ts'
import { createUploadAdmission, type AdmissionCheck } from '../../overload/upload-admission.ts'

export interface AdmissionDecorator {
  /** Throws the 503 (with Retry-After set on `reply`) when this upload must wait. */
  admitUpload: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  addCheck: (check: AdmissionCheck) => void
}

declare module 'fastify' {
  interface FastifyInstance { admission: AdmissionDecorator }
}

export default fp(async function uploadAdmissionPlugin (app) {
  const { config } = app
  const admission = createUploadAdmission({
    queueDepth: () => app.jobs.queueDepth(),
    maxQueuedJobs: config.MAX_QUEUED_JOBS,
    dataDir: config.dataDir,
    minFreeDiskBytes: config.MIN_FREE_DISK_BYTES
  })
  app.decorate('admission', {
    async admitUpload (request, reply) {
      const length = Number(request.headers['content-length'])
      const refusal = await admission.check({ declaredBytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined })
      if (!refusal) return
      request.log.warn({ reason: refusal.reason }, 'upload refused: the server is short of room')
      reply.header('retry-after', refusal.retryAfterSeconds)
      throw uploadsPaused(refusal.reason, refusal.retryAfterSeconds)
    },
    addCheck: admission.addCheck
  })
}, { name: 'upload-admission', dependencies: ['config', 'jobs'] })
