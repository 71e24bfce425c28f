import { randomUUID } from 'node:crypto'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { Job, JobEvent } from '../jobs/model.ts'
import { createJobMetrics } from './job-metrics.ts'

const job = (overrides: Partial<Job> = {}): Job => ({
  id: randomUUID(),
  pipeline: 'report',
  status: 'queued',
  stage: null,
  percent: 0,
  message: 'Queued',
  stages: [],
  error: null,
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T10:00:00.000Z',
  finishedAt: null,
  seq: 1,
  input: { files: [{ name: 'a.csv', path: '/x/1.upload', type: 'text/csv', bytes: 1000 }], fields: {} },
  ...overrides
})

let seq = 1
const at = (second: number) => `2025-03-01T10:00:${String(second).padStart(2, '0')}.000Z`
const progress = (stage: string, phase: 'started' | 'finished', second: number): JobEvent =>
  ({ type: 'progress', seq: ++seq, at: at(second), stage, stageIndex: 0, stageCount: 2, percent: 0, message: '', status: 'running', phase })

async function values (registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name)
  // Histogram values also name their series (`_bucket`, `_sum`, `_count`); prom-client's type omits it.
  return ((await metric?.get())?.values ?? []) as Array<{ labels: Record<string, string | number>, value: number, metricName?: string }>
}

describe('job metrics', () => {
  it('counts jobs by pipeline and status and times each stage from its events', async () => {
    const registry = new Registry()
    const metrics = createJobMetrics([registry])
    const done = job()
    const broken = job({ pipeline: 'intake' })
    metrics.jobCreated(done)
    metrics.jobCreated(broken)
    expect(await values(registry, 'stagecast_jobs_active')).toEqual(expect.arrayContaining([
      expect.objectContaining({ labels: { pipeline: 'report', status: 'queued' }, value: 1 }),
      expect.objectContaining({ labels: { pipeline: 'intake', status: 'queued' }, value: 1 })
    ]))

    metrics.eventAppended(done.id, progress('upload', 'started', 0))
    metrics.eventAppended(done.id, progress('upload', 'finished', 2))
    metrics.eventAppended(done.id, progress('forecasting', 'started', 2))
    metrics.eventAppended(done.id, { type: 'complete', seq: ++seq, at: at(7), percent: 100 })
    metrics.eventAppended(broken.id, progress('ocr', 'started', 1))
    metrics.eventAppended(broken.id, { type: 'failed', seq: ++seq, at: at(4), stage: 'ocr', code: 'bad_pdf', message: 'x' })

    const durations = await values(registry, 'stagecast_stage_duration_seconds')
    const sum = (labels: Record<string, string>) => durations.find(value => value.metricName === 'stagecast_stage_duration_seconds_sum' &&
      Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))?.value
    expect(sum({ pipeline: 'report', stage: 'upload', outcome: 'completed' })).toBe(2)
    expect(sum({ pipeline: 'report', stage: 'forecasting', outcome: 'completed' })).toBe(5)
    expect(sum({ pipeline: 'intake', stage: 'ocr', outcome: 'failed' })).toBe(3)

    expect(await values(registry, 'stagecast_jobs_finished_total')).toEqual(expect.arrayContaining([
      expect.objectContaining({ labels: { pipeline: 'report', status: 'completed' }, value: 1 }),
      expect.objectContaining({ labels: { pipeline: 'intake', status: 'failed' }, value: 1 })
    ]))
    expect((await values(registry, 'stagecast_jobs_active')).every(value => value.value === 0)).toBe(true)
    expect(await values(registry, 'stagecast_uploaded_bytes_total')).toEqual(expect.arrayContaining([
      expect.objectContaining({ labels: { pipeline: 'report' }, value: 1000 })
    ]))
    expect(metrics.trackedCount()).toBe(0)
  })

  it('knows jobs found running at start-up, and forgets evicted ones', async () => {
    const registry = new Registry()
    const metrics = createJobMetrics([registry])
    const running = job({ status: 'running', stages: [{ name: 'ocr', title: 'OCR', status: 'running', percent: 50, startedAt: at(0), finishedAt: null }] })
    metrics.jobFound(running)
    metrics.eventAppended(running.id, { type: 'interrupted', seq: ++seq, at: at(9), message: 'restart' })
    const durations = await values(registry, 'stagecast_stage_duration_seconds')
    expect(durations.find(value => value.metricName === 'stagecast_stage_duration_seconds_sum')).toMatchObject({ labels: { stage: 'ocr', outcome: 'interrupted' }, value: 9 })

    const queued = job()
    metrics.jobCreated(queued)
    metrics.jobEvicted(queued.id)
    expect(metrics.trackedCount()).toBe(0)
    expect(await values(registry, 'stagecast_jobs_submitted_total')).toEqual([expect.objectContaining({ value: 1 })])
  })
})
