/**
 * Worker-thread entry for forecast-pool.ts: adopts the augurs modules the main thread compiled,
 * then forecasts the series it is sent, one message each.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { adoptAugurs, type CompiledAugurs } from './augurs.ts'
import { forecastSeries, type ForecastOutcome, type SeriesInput } from './forecast.ts'

export interface ForecastRequest { id: number, input: SeriesInput }
export type ForecastReply = { id: number, outcome: ForecastOutcome } | { id: number, error: string }

adoptAugurs(workerData as CompiledAugurs)

parentPort?.on('message', ({ id, input }: ForecastRequest) => {
  let reply: ForecastReply
  try {
    reply = { id, outcome: forecastSeries(input) }
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) }
  }
  parentPort?.postMessage(reply)
})
