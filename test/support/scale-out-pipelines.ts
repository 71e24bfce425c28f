/**
 * Test pipelines for scale-out tests, loadable by a child process (an API instance, or a worker
 * through STAGECAST_PIPELINES_MODULE): `instant` and `ticker` from test-pipelines.ts, and
 * the shipped `report`, and `redis-gated`, whose ten stages each wait at a gate kept in Redis so a test in another
 * process steps the job forward — no sleeps, and it works whichever worker runs the job.
 *
 * Keys, under `<REDIS_PREFIX>:test-gates` (GATES_URL defaults to REDIS_URL):
 *   arrivals:<job>  list  "<stage>|<pid>" pushed when a stage reaches its gate
 *   open:<job>      list  one entry lets one stage through
 *   aborted:<job>   string the pid of a worker whose stage was aborted at the gate
 */
import { Redis } from 'ioredis'
import type { Config } from '../../src/config.ts'
import type { AnyPipeline, Pipeline } from '../../src/jobs/pipeline.ts'
import { createReportPipeline } from '../../src/pipelines/report/index.ts'
import { instantPipeline, tickerPipeline } from './test-pipelines.ts'

export const gateKeys = (prefix: string, jobId: string) => ({
  arrivals: `${prefix}:test-gates:arrivals:${jobId}`,
  open: `${prefix}:test-gates:open:${jobId}`,
  aborted: `${prefix}:test-gates:aborted:${jobId}`
})

/** Waits until the test opens this job's gate; survives a Redis restart; rejects when the run is aborted. */
async function passGate (url: string, prefix: string, jobId: string, stage: string, signal: AbortSignal): Promise<void> {
  const keys = gateKeys(prefix, jobId)
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: times => Math.min(times * 50, 500) })
  redis.on('error', () => {})
  const stop = () => redis.disconnect()
  signal.addEventListener('abort', stop, { once: true })
  try {
    await redis.rpush(keys.arrivals, `${stage}|${process.pid}`)
    while (!signal.aborted) {
      try {
        if (await redis.blpop(keys.open, 1)) return
      } catch {
        if (!signal.aborted) await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
    const reporter = new Redis(url)
    await reporter.set(keys.aborted, String(process.pid), 'EX', 600)
    reporter.disconnect()
    throw signal.reason
  } finally {
    signal.removeEventListener('abort', stop)
    redis.disconnect()
  }
}

export function redisGatedPipeline (url: string, prefix: string): Pipeline<null> {
  const base = instantPipeline('redis-gated')
  return {
    ...base,
    stages: base.stages.map(stage => ({
      ...stage,
      run: async ctx => {
        await passGate(url, prefix, ctx.jobId, stage.name, ctx.signal)
        await stage.run(ctx)
      }
    }))
  }
}

export async function createPipelines (config: Config): Promise<{ pipelines: AnyPipeline[], close: () => Promise<void> }> {
  const url = process.env.GATES_URL ?? config.REDIS_URL
  return {
    pipelines: [
      instantPipeline('instant'),
      tickerPipeline(),
      redisGatedPipeline(url, config.REDIS_PREFIX),
      // The shipped report, to follow a real upload from an API instance to a worker.
      createReportPipeline({ maxGroups: config.REPORT_MAX_GROUPS, readThreads: config.REPORT_READ_THREADS })
    ],
    close: async () => {}
  }
}
