/**
 * The forecasting models, all returning a point forecast and a nominal standard deviation per
 * step (from augurs' own 95% interval, or the textbook formula for the naive methods) that
 * backtest.ts then calibrates. MSTL (AutoETS on the deseasonalised series) with calendar season
 * lengths when there are two full seasons; non-seasonal AutoETS for shorter histories; seasonal
 * naive as the baseline every model must beat.
 */
import { AutoETS } from '@bsull/augurs/ets'
import { MSTL } from '@bsull/augurs/mstl'
import { loadAugurs } from './augurs.ts'

export type ModelKind = 'mstl' | 'ets' | 'seasonal-naive' | 'naive'

export interface ModelOutput {
  point: number[]
  sd: number[]
  /** In-sample one-step fitted values, where the model offers them (for residual anomalies). */
  fitted?: number[]
}

const Z95 = 1.959963984540054

/** Shortest history each model is fitted on. */
export function minimumHistory (kind: ModelKind, season: number): number {
  switch (kind) {
    case 'mstl': return 2 * season
    case 'ets': return 6
    case 'seasonal-naive': return season + 2
    case 'naive': return 2
  }
}

export const MODEL_LABEL: Record<ModelKind, string> = {
  mstl: 'MSTL + AutoETS',
  ets: 'AutoETS (non-seasonal)',
  'seasonal-naive': 'Seasonal naive',
  naive: 'Naive (last value)'
}

export function fitPredict (kind: ModelKind, y: ArrayLike<number>, horizon: number, season: number, withFitted = false): ModelOutput {
  switch (kind) {
    case 'mstl': return fitMstl(y, horizon, season, withFitted)
    case 'ets': return fitEts(y, horizon)
    case 'seasonal-naive': return seasonalNaive(y, horizon, season)
    case 'naive': return seasonalNaive(y, horizon, 1)
  }
}

function fitMstl (y: ArrayLike<number>, horizon: number, season: number, withFitted: boolean): ModelOutput {
  loadAugurs('mstl')
  using model = MSTL.ets([season], { impute: true })
  model.fit(Float64Array.from(y))
  const forecast = model.predict(horizon, 0.95)
  const output = fromAugurs(forecast.point, forecast.intervals?.lower, forecast.intervals?.upper)
  if (withFitted) output.fitted = model.predictInSample().point
  return output
}

function fitEts (y: ArrayLike<number>, horizon: number): ModelOutput {
  loadAugurs('ets')
  using model = new AutoETS(1, 'ZZN')
  model.fit(Float64Array.from(interpolate(y)))
  const forecast = model.predict(horizon, 0.95)
  return fromAugurs(forecast.point, forecast.intervals?.lower, forecast.intervals?.upper)
}

function fromAugurs (point: number[], lower: number[] | undefined, upper: number[] | undefined): ModelOutput {
  const sd = point.map((_, h) => ((upper?.[h] ?? Number.NaN) - (lower?.[h] ?? Number.NaN)) / (2 * Z95))
  return { point: [...point], sd }
}

/** Repeats the last season; its spread grows with each further season ahead (Hyndman & Athanasopoulos, 5.5). */
export function seasonalNaive (series: ArrayLike<number>, horizon: number, season: number): ModelOutput {
  const y = interpolate(series)
  const lag = y.length > season ? season : 1
  let squares = 0
  let count = 0
  for (let t = lag; t < y.length; t++) {
    const error = (y[t] as number) - (y[t - lag] as number)
    squares += error * error
    count++
  }
  const sigma = count > 0 ? Math.sqrt(squares / count) : 0
  const point: number[] = []
  const sd: number[] = []
  for (let h = 0; h < horizon; h++) {
    point.push(y[y.length - lag + (h % lag)] as number)
    sd.push(sigma * Math.sqrt(Math.floor(h / lag) + 1))
  }
  return { point, sd }
}

/** Fills NaN gaps linearly (and ends with the nearest value): ETS and the naive models need complete data. */
export function interpolate (series: ArrayLike<number>): number[] {
  const y = Array.from(series)
  const known = y.map((value, index) => (Number.isNaN(value) ? -1 : index)).filter(index => index >= 0)
  if (known.length === 0) return y.map(() => 0)
  for (let i = 0; i < y.length; i++) {
    if (!Number.isNaN(y[i])) continue
    const before = known.filter(index => index < i).pop()
    const after = known.find(index => index > i)
    if (before === undefined) y[i] = y[after as number] as number
    else if (after === undefined) y[i] = y[before] as number
    else y[i] = (y[before] as number) + ((y[after] as number) - (y[before] as number)) * (i - before) / (after - before)
  }
  return y
}
