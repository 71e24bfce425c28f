/**
 * The BullMQ worker taking over a job an earlier run left unfinished, on a real Redis: when the
 * earlier run had finished its last stage and saved the result, the job completes without any
 * stage running again; when it had not (a partial result, no checkpoint), the job runs again,
 * and that run records its own checkpoint.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../../test/support/event-stream.ts'
import { deletePrefix, REDIS_TEST_URL, redisIsAvailable, uniquePrefix } from '../../../test/support/redis.ts'
import { instantPipeline } from '../../../test/support/test-pipelines.ts'
import { createDataDir } from '../data-dir.ts'
import type { AnyPipeline } from '../pipeline.ts'
import { createRedisStore, type RedisJobStore } from '../store/redis.ts'
import { createBullmqQueue } from './bullmq-queue.ts'
import { startJobWorker, type JobWorker } from './bullmq-worker.ts'

const available = await redisIsAvailable()
const silent = pino({ level: 'silent' })
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** `instant`'s ten stages, counting how many of them run. */
function countingPipeline () {
  const base = instantPipeline('counted')
  const counter = { stagesRun: 0 }
  const pipeline: AnyPipeline = { ...base, stages: base.stages.map(stage => ({ ...stage, run: async ctx => { counter.stagesRun++; await stage.run(ctx) } })) }
  return { pipeline, counter }
}

async function setUp () {
  const prefix = uniquePrefix('worker')
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-worker-'))
  const paths = createDataDir(dataDir, silent)
  const store = await createRedisStore({ url: REDIS_TEST_URL, prefix, log: silent, sweepIntervalMs: 1000, jobTtlSeconds: 600, tombstoneTtlSeconds: 600 })
  const queue = createBullmqQueue({ url: REDIS_TEST_URL, prefix, store, log: silent })
  const { pipeline, counter } = countingPipeline()
  let worker: JobWorker | undefined
  cleanups.push(async () => {
    await worker?.close(1000)
    await queue.close(0)
    await store.close()
    await deletePrefix(prefix)
    await rm(dataDir, { recursive: true, force: true })
  })

  /** A queued job with its upload on disk, as an API instance leaves it. */
  async function createJob () {
    const id = randomUUID()
    const path = paths.uploadFile(id, 1)
    await writeFile(path, 'date,amount\n2024-01-01,1\n')
    const job = await store.create({
      id,
      pipeline: pipeline.name,
      stages: pipeline.stages.map(stage => ({ name: stage.name, title: stage.title, status: 'pending', percent: stage.endPercent, startedAt: null, finishedAt: null })),
      input: { files: [{ name: 'sales.csv', path, type: 'text/csv', bytes: 25 }], fields: {} },
      firstEvent: { type: 'progress', phase: 'queued', stage: pipeline.stages[0]?.name ?? 'upload', stageIndex: 0, stageCount: pipeline.stages.length, percent: 0, status: 'queued', message: 'Queued' }
    })
    return job
  }

  /** What a worker that died after its last stage leaves: stages run, maybe a checkpoint and a result, no end. */
  async function leaveUnfinished (id: string, { checkpoint, result }: { checkpoint: boolean, result: unknown }) {
    const owner = 'dead-worker/1'
    await store.claim(id, owner)
    const lastIndex = pipeline.stages.length - 1
    await store.ownedBy(owner).append(id, { type: 'progress', phase: 'started', stage: pipeline.stages[lastIndex]?.name ?? '', stageIndex: lastIndex, stageCount: lastIndex + 1, percent: 95, status: 'running', message: 'Last stage' })
    if (checkpoint) expect(await store.checkpoint(id, owner, lastIndex + 1)).toBe(true)
    await store.saveResult(id, result)
  }

  function start () {
    worker = startJobWorker({ url: REDIS_TEST_URL, prefix, store, pipelines: new Map([[pipeline.name, pipeline]]), paths, log: silent, concurrency: 1, lockMs: 2000 })
  }

  async function finished (store: RedisJobStore, id: string) {
    return await eventually(async () => {
      const state = await store.peek(id)
      return state?.status === 'completed' ? state : undefined
    }, { timeoutMs: 15_000, intervalMs: 50 })
  }

  return { prefix, store, queue, counter, createJob, leaveUnfinished, start, finished: (id: string) => finished(store, id) }
}

describe.skipIf(!available)('BullMQ worker taking over an unfinished job', () => {
  it('completes a job whose last stage was checkpointed and whose result was saved, running no stage again', async () => {
    const { store, queue, counter, createJob, leaveUnfinished, start, finished } = await setUp()
    const job = await createJob()
    await leaveUnfinished(job.id, { checkpoint: true, result: { from: 'the earlier run' } })
    start()
    await queue.enqueue(job)
    await finished(job.id)

    expect(counter.stagesRun).toBe(0)
    expect(await store.getResult(job.id)).toEqual({ from: 'the earlier run' })
    const events = await store.readEventsAfter(job.id, 0)
    expect(events.at(-1)).toMatchObject({ type: 'complete', percent: 100 })
    const percents = events.map(event => 'percent' in event ? event.percent : -1)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
  })

  it('runs a job again when a result was saved but the last stage was not checkpointed (a partial result), and checkpoints that run', async () => {
    const { prefix, store, queue, counter, createJob, leaveUnfinished, start, finished } = await setUp()
    const job = await createJob()
    await leaveUnfinished(job.id, { checkpoint: false, result: { partial: true } })
    start()
    await queue.enqueue(job)
    await finished(job.id)

    expect(counter.stagesRun).toBe(10)
    expect(await store.getResult(job.id)).toMatchObject({ pipeline: 'counted', files: ['sales.csv'] })
    const admin = new Redis(REDIS_TEST_URL)
    try {
      expect(await admin.hget(`${prefix}:job:${job.id}`, 'stagesDone')).toBe('10')
    } finally {
      admin.disconnect()
    }
  })
})
