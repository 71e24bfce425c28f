/** Liveness (`/health`: the process answers) and readiness (`/ready`: the store answers too). */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

const Status = Type.Object({ status: Type.String() }, { additionalProperties: true })

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/health', { schema: { summary: 'Liveness probe', response: { 200: Status } } }, async () => ({ status: 'ok' }))

  app.get('/ready', { schema: { summary: 'Readiness probe: 503 while the job store does not answer', response: { 200: Status, 503: Status } } }, async (request, reply) => {
    if (app.streams.closing) return reply.status(503).send({ status: 'closing' })
    try {
      await app.jobs.ping()
      return { status: 'ready' }
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed')
      return reply.status(503).send({ status: 'unavailable', reason: 'The job store does not answer.' })
    }
  })
}
