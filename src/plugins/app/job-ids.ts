/**
 * Every job id that enters over HTTP — a route's `:id`, the `X-Job-Id` header — is put into its
 * one canonical spelling (lowercase, no `urn:uuid:`) before validation, so routes, the store
 * and the disk only ever see that. Anything that is not a UUID is left as it came, for the
 * route's schema to refuse with a 400.
 */
import fp from 'fastify-plugin'
import { canonicalJobId } from '../../jobs/job-id.ts'

export default fp(async function jobIdsPlugin (app) {
  app.addHook('preValidation', async request => {
    const params = request.params as Record<string, unknown> | undefined
    if (typeof params?.id === 'string') params.id = canonicalJobId(params.id) ?? params.id
    const header = request.headers['x-job-id']
    if (typeof header === 'string') request.headers['x-job-id'] = canonicalJobId(header) ?? header
  })
}, { name: 'job-ids' })
