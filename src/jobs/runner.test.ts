import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobFailure } from '../errors.ts'
import { newJob } from '../../test/support/store-contract.ts'
import { createDataDir, type DataDir } from './data-dir.ts'
import type { Pipeline } from './pipeline.ts'
import { runJob } from './runner.ts'
import { initialStages } from './service.ts'
import { createSqliteStore } from './store/sqlite.ts'
import type { JobStore } from './store/types.ts'

const silent = pino({ level: 'silent' })
let dataDir: string
let paths: DataDir
let store: JobStore

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stagecast-runner-'))
  paths = createDataDir(dataDir, silent)
  store = createSqliteStore({ path: ':memory:', log: silent, jobTtlSeconds: 60, tombstoneTtlSeconds: 60, sweepIntervalMs: 1000 })
})
afterEach(async () => {
  await store.close()
  await rm(dataDir, { recursive: true, force: true })
})

function pipelineOf (stages: Pipeline<{ seen: string[] }>['stages']): Pipeline<{ seen: string[] }> {
  return { name: 'test', accepts: ['text/csv'], multipleFiles: false, createState: () => ({ seen: [] }), stages }
}

async function run (pipeline: Pipeline<{ seen: string[] }>, signal = new AbortController().signal) {
  const job = await store.create({ ...newJob(), stages: initialStages(pipeline) })
  await runJob({ job, pipeline, store, paths, signal, log: silent, progressIntervalMs: 0 })
  const lookup = await store.get(job.id)
  if (lookup.state !== 'found') throw new Error('job vanished')
  return { job: lookup.job, events: await store.readEventsAfter(job.id, 0), result: await store.getResult(job.id) }
}

describe('runJob', () => {
  it('runs stages in order, maps in-stage progress into each stage\'s range, and completes with the result', async () => {
    const { job, events, result } = await run(pipelineOf([
      { name: 'upload', title: 'Checking', endPercent: 5, run: async ctx => { ctx.state.seen.push('upload') } },
      { name: 'validation', title: 'Validating', endPercent: 15, run: async ctx => { ctx.progress(0.5, 'half', { rows: 10 }); ctx.state.seen.push('validation') } },
      { name: 'complete', title: 'Finishing', endPercent: 100, run: async ctx => { ctx.setResult({ seen: ctx.state.seen }) } }
    ]))
    expect(job).toMatchObject({ status: 'completed', percent: 100, error: null })
    expect(job.stages.map(stage => stage.status)).toEqual(['completed', 'completed', 'completed'])
    expect(result).toEqual({ seen: ['upload', 'validation'] })
    const half = events.find(event => event.type === 'progress' && event.message === 'half')
    expect(half).toMatchObject({ stage: 'validation', percent: 10, detail: { rows: 10 }, phase: 'advanced' })
    const percents = events.flatMap(event => 'percent' in event ? [event.percent] : [])
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(events.at(-1)).toMatchObject({ type: 'complete' })
  })

  it('turns a JobFailure into a failed event naming the stage, with the user\'s message and location', async () => {
    const { job, events } = await run(pipelineOf([
      { name: 'upload', title: 'Checking', endPercent: 5, run: async () => {} },
      { name: 'validation', title: 'Validating', endPercent: 100, run: async () => { throw new JobFailure('no_date_column', 'No column holds dates. Add one or name it with dateColumn.', { column: 'A' }) } }
    ]))
    expect(job).toMatchObject({ status: 'failed', error: { code: 'no_date_column', stage: 'validation', location: { column: 'A' } } })
    expect(job.stages.map(stage => stage.status)).toEqual(['completed', 'failed'])
    expect(events.at(-1)).toMatchObject({ type: 'failed', stage: 'validation', message: 'No column holds dates. Add one or name it with dateColumn.' })
  })

  it('never shows a crash\'s message or stack to clients', async () => {
    const { job } = await run(pipelineOf([
      { name: 'analytics', title: 'Analysing', endPercent: 100, run: async () => { throw new TypeError('Cannot read /srv/secret/file.csv') } }
    ]))
    expect(job.error).toMatchObject({ code: 'internal_error', stage: 'analytics' })
    expect(job.error?.message).not.toMatch(/secret|TypeError/)
  })

  it('keeps a partial result when a later stage fails', async () => {
    const { job, result } = await run(pipelineOf([
      { name: 'extract', title: 'Extracting', endPercent: 50, run: async ctx => { ctx.setResult({ text: 'page 1' }) } },
      { name: 'export', title: 'Exporting', endPercent: 100, run: async () => { throw new JobFailure('export_failed', 'The spreadsheet refused the row.') } }
    ]))
    expect(job.status).toBe('failed')
    expect(result).toEqual({ text: 'page 1' })
  })

  it('stops at once when aborted, even in a stage that ignores its signal, and records why', async () => {
    const controller = new AbortController()
    const { job } = await run(pipelineOf([
      { name: 'stuck', title: 'Stuck', endPercent: 100, run: () => { controller.abort({ type: 'cancelled', message: 'The job was cancelled.' }); return new Promise(() => {}) } }
    ]), controller.signal)
    expect(job).toMatchObject({ status: 'cancelled', message: 'The job was cancelled.' })
  })

  it('removes the scratch folder whatever happens', async () => {
    let scratch = ''
    await run(pipelineOf([
      { name: 'work', title: 'Working', endPercent: 100, run: async ctx => { scratch = ctx.scratchDir; throw new Error('boom') } }
    ]))
    expect(scratch).not.toBe('')
    expect(await readdir(paths.scratchRoot)).toEqual([])
  })
})
