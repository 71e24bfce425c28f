/** TypeBox schemas of the jobs routes: they validate requests and feed the OpenAPI document. */
import { Type } from 'typebox'
import { JOB_STATUSES } from '../../jobs/model.ts'

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'Stable machine-readable code' }),
  message: Type.String({ description: 'What went wrong and what to do about it' })
}, { additionalProperties: true, $id: 'ErrorBody' })

export const JobIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The job id (a UUID)' }) })

export const JobIdHeader = Type.Object({
  'x-job-id': Type.Optional(Type.String({ format: 'uuid', description: 'Client-generated UUID to use as the job id, so the stream can be opened before uploading' }))
})

export const ListJobsQuery = Type.Object({
  status: Type.Optional(Type.Enum([...JOB_STATUSES])),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
})

const Stage = Type.Object({
  name: Type.String(),
  title: Type.String(),
  status: Type.String(),
  percent: Type.Number(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()])
})

export const JobBody = Type.Object({
  id: Type.String(),
  pipeline: Type.String(),
  status: Type.Enum([...JOB_STATUSES]),
  stage: Type.Union([Type.String(), Type.Null()]),
  percent: Type.Number(),
  message: Type.String(),
  stages: Type.Array(Stage),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), stage: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: true }), Type.Null()]),
  files: Type.Array(Type.Object({ name: Type.String(), type: Type.String(), bytes: Type.Integer() })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastEventId: Type.Integer({ description: 'Sequence number of the latest event; resume a stream after it' })
})

export const Links = Type.Object({ self: Type.String(), events: Type.String(), result: Type.String() }, { additionalProperties: true })

export const AcceptedBody = Type.Object({
  id: Type.String(),
  pipeline: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  links: Links
})
