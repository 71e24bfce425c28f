/**
 * Times every job-store call and reports created jobs and appended events to the job metrics.
 * The store is instrumented in place because the queue, runner and service already hold this
 * same object; wrapping methods on it (as OpenTelemetry's instrumentations do) reaches them all
 * without changing the job system. Behaviour is unchanged: results and errors pass through.
 */
import { Histogram, type Registry } from 'prom-client'
import type { JobStore } from '../jobs/store/types.ts'
import type { JobMetrics } from './job-metrics.ts'

type AsyncMethod<A extends unknown[], R> = (...args: A) => Promise<R>

export function instrumentStore (store: JobStore, jobMetrics: JobMetrics, registers: Registry[]): void {
  const latency = new Histogram({
    name: 'stagecast_store_operation_duration_seconds',
    help: 'Latency of job-store operations, by operation and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers
  })

  function timed<A extends unknown[], R> (operation: string, method: AsyncMethod<A, R>): AsyncMethod<A, R> {
    const original = method.bind(store)
    return async (...args) => {
      const end = latency.startTimer({ operation })
      try {
        const result = await original(...args)
        end({ outcome: 'ok' })
        return result
      } catch (error) {
        end({ outcome: 'error' })
        throw error
      }
    }
  }

  const create = timed('create', store.create)
  const append = timed('append', store.append)
  store.create = async job => {
    const created = await create(job)
    jobMetrics.jobCreated(created)
    return created
  }
  store.append = async (id, event) => {
    const appended = await append(id, event)
    if (appended) jobMetrics.eventAppended(id, appended)
    return appended
  }
  store.get = timed('get', store.get)
  store.list = timed('list', store.list)
  store.listUnfinished = timed('listUnfinished', store.listUnfinished)
  store.readEventsAfter = timed('readEventsAfter', store.readEventsAfter)
  store.touch = timed('touch', store.touch)
  store.listStalled = timed('listStalled', store.listStalled)
  store.saveResult = timed('saveResult', store.saveResult)
  store.getResult = timed('getResult', store.getResult)
  store.remove = timed('remove', store.remove)
  store.ping = timed('ping', store.ping)
  store.onEvicted(jobMetrics.jobEvicted)
}
