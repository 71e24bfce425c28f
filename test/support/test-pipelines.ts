/**
 * Small pipelines for testing the machinery (runner, store, stream) without the real ones.
 * Each stage waits on a gate the test controls, so tests step a job forward deterministically
 * instead of sleeping.
 */
import { JobFailure } from '../../src/errors.ts'
import type { Pipeline, Stage } from '../../src/jobs/pipeline.ts'
import { REPORT_ARTIFACTS } from '../../src/pipelines/report/artifacts.ts'

export const TEN_STAGES = [
  ['upload', 5], ['validation', 15], ['forecasting', 25], ['modelling', 50], ['regional', 60],
  ['departmental', 70], ['analytics', 80], ['visualizations', 90], ['finalizing', 95], ['complete', 100]
] as const

/** Ten stages that finish at once, shaped like the report (its stages and its download): for throughput and fan-out. */
export function instantPipeline (name = 'instant'): Pipeline<null> {
  return {
    name,
    accepts: ['text/csv', 'text/tab-separated-values', 'text/plain'],
    multipleFiles: false,
    createState: () => null,
    artifacts: REPORT_ARTIFACTS,
    stages: TEN_STAGES.map(([stageName, endPercent], index): Stage<null> => ({
      name: stageName,
      title: `Stage ${stageName}`,
      endPercent,
      run: async ctx => {
        if (index === TEN_STAGES.length - 1) ctx.setResult({ pipeline: name, files: ctx.files.map(file => file.name), fields: ctx.fields })
      }
    }))
  }
}

/** A gate per job: `open(jobId)` lets that job's current stage finish. */
export function createGates () {
  const waiting = new Map<string, Array<() => void>>()
  const arrivals = new Map<string, Array<() => void>>()
  return {
    /** Called by a stage: resolves when the test opens the gate for this job. */
    pass (jobId: string, signal: AbortSignal): Promise<void> {
      for (const notify of arrivals.get(jobId)?.splice(0) ?? []) notify()
      return new Promise((resolve, reject) => {
        const list = waiting.get(jobId) ?? []
        list.push(resolve)
        waiting.set(jobId, list)
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
    },
    /** Resolves once a stage of this job is waiting at the gate. */
    arrived (jobId: string): Promise<void> {
      if ((waiting.get(jobId)?.length ?? 0) > 0) return Promise.resolve()
      return new Promise(resolve => {
        const list = arrivals.get(jobId) ?? []
        list.push(resolve)
        arrivals.set(jobId, list)
      })
    },
    open (jobId: string) {
      for (const release of waiting.get(jobId)?.splice(0) ?? []) release()
    }
  }
}

export type Gates = ReturnType<typeof createGates>

/** Ten stages, each held at a gate; a stage named in `failAt` throws a JobFailure, `crashAt` a plain Error. */
export function gatedPipeline (gates: Gates, options: { name?: string, failAt?: string, crashAt?: string } = {}): Pipeline<null> {
  const base = instantPipeline(options.name ?? 'gated')
  return {
    ...base,
    stages: base.stages.map(stage => ({
      ...stage,
      run: async ctx => {
        await gates.pass(ctx.jobId, ctx.signal)
        if (stage.name === options.failAt) throw new JobFailure('bad_row', 'Row 7 has no date. Fill in the date column and upload again.', { row: 7 })
        if (stage.name === options.crashAt) throw new Error('/secret/path exploded')
        ctx.progress(0.5, `Half way through ${stage.name}`, { rows: 10 })
        await stage.run(ctx)
      }
    }))
  }
}

/**
 * One long stage that reports progress every `TICK_MS` (default 200) for `TICKS` ticks
 * (default 20), read from the job's form fields: the event source of the fan-out benchmark.
 */
export function tickerPipeline (): Pipeline<null> {
  return {
    ...instantPipeline('ticker'),
    stages: [{
      name: 'ticking',
      title: 'Ticking',
      endPercent: 100,
      run: async ctx => {
        const ticks = Number(ctx.fields.ticks ?? 20)
        const tickMs = Number(ctx.fields.tickMs ?? 200)
        for (let tick = 1; tick <= ticks; tick++) {
          await new Promise(resolve => setTimeout(resolve, tickMs))
          ctx.signal.throwIfAborted()
          // Whole percent steps so the runner never throttles a tick away.
          ctx.progress(tick / (ticks + 1), `Tick ${tick} of ${ticks}`, { tick })
        }
      }
    }]
  }
}
