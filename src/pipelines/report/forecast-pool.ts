/**
 * Forecasts many series without blocking the server for long: each series is a few milliseconds
 * of synchronous WebAssembly. The main thread works through the queue itself, yielding between
 * series so progress events and other requests keep flowing, and for big batches helper threads
 * take series from the same queue — one per core beyond the first. Measured on 200 series: two
 * helpers on a 2-core machine cost +74 MB resident and were slower than one helper plus the main
 * thread, which gives the same parallelism for one thread's memory (~+30 MB).
 */
import { availableParallelism } from 'node:os'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { compileAugurs, prepareAugurs } from './augurs.ts'
import { forecastSeries, type ForecastOutcome, type SeriesInput } from './forecast.ts'
import type { ForecastReply } from './forecast-worker.ts'

export interface PoolOptions {
  signal: AbortSignal
  /** Called after each series with how many are done. */
  onProgress?: (done: number, total: number) => void
  /** Helper threads beside the main thread; default one per core beyond the first, none for small batches. */
  helpers?: number
}

/** Below this many series, starting a thread costs more than it saves. */
export const MIN_SERIES_FOR_HELPERS = 24
/** Series a helper holds at once, so it never waits for the busy main thread to hand it the next. */
const IN_FLIGHT = 2

export async function forecastMany (inputs: readonly SeriesInput[], options: PoolOptions): Promise<ForecastOutcome[]> {
  const { signal, onProgress } = options
  signal.throwIfAborted()
  await prepareAugurs('mstl', 'ets')
  const wanted = options.helpers ?? (inputs.length >= MIN_SERIES_FOR_HELPERS ? availableParallelism() - 1 : 0)
  const helpers = Math.max(0, Math.min(wanted, inputs.length - 1))
  const outcomes: ForecastOutcome[] = new Array(inputs.length)
  let next = 0
  let done = 0
  const take = () => (next < inputs.length ? next++ : -1)
  const record = (id: number, outcome: ForecastOutcome) => {
    outcomes[id] = outcome
    onProgress?.(++done, inputs.length)
  }
  // Stops every worker of the batch at the first failure or when the job is cancelled.
  const stop = new AbortController()
  const onAbort = () => stop.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  const compiled = helpers > 0 ? compileAugurs('mstl', 'ets') : {}
  const workers = Array.from({ length: helpers }, () => new Worker(new URL('./forecast-worker.ts', import.meta.url), { workerData: compiled }))
  const onMainThread = async () => {
    for (let id = take(); id >= 0; id = take()) {
      stop.signal.throwIfAborted()
      record(id, forecastSeries(inputs[id] as SeriesInput))
      await yieldToEventLoop()
    }
  }
  try {
    await Promise.all([onMainThread(), ...workers.map(worker => onHelper(worker, inputs, take, record, stop.signal))].map(run => run.catch((error: unknown) => {
      stop.abort(error)
      throw error
    })))
    return outcomes
  } finally {
    signal.removeEventListener('abort', onAbort)
    // terminate() resolves once each thread has exited; nothing is left running after a batch.
    await Promise.all(workers.map(worker => worker.terminate()))
  }
}

/** Feeds one helper thread from the shared queue until the queue is empty. */
function onHelper (worker: Worker, inputs: readonly SeriesInput[], take: () => number, record: (id: number, outcome: ForecastOutcome) => void, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending = 0
    const feed = () => {
      const id = take()
      if (id < 0) return
      pending++
      worker.postMessage({ id, input: inputs[id] })
    }
    const fail = (error: unknown) => {
      signal.removeEventListener('abort', onAbort)
      reject(error)
    }
    const onAbort = () => fail(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (reply: ForecastReply) => {
      if ('error' in reply) return fail(new Error(`Forecasting series ${reply.id} failed: ${reply.error}`))
      pending--
      record(reply.id, reply.outcome)
      feed()
      if (pending === 0) {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
    })
    worker.on('error', fail)
    worker.on('exit', code => { if (pending > 0) fail(new Error(`A forecasting thread stopped (exit code ${code}) with ${pending} series unfinished`)) })
    for (let i = 0; i < IN_FLIGHT; i++) feed()
    if (pending === 0) resolve()
  })
}
