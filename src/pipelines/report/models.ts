/**
 * The candidate forecasting methods, each returning a point forecast and a nominal standard
 * deviation per step that backtest.ts then calibrates:
 * - MSTL (augurs: seasonal-trend decomposition with calendar season lengths, AutoETS on the
 *   seasonally adjusted series) on the Box-Cox scale Guerrero's method picks (boxcox.ts), from
 *   two full seasons of history;
 * - classical seasonal indexes + AutoETS (the shape of ETS with a multiplicative season);
 * - the Theta method (theta.ts), a damped-trend-like drift on exponential smoothing;
 * - non-seasonal AutoETS in place of the seasonal models for histories shorter than two seasons;
 * - seasonal naive (repeat the last season), the baseline every method is scored against.
 */
import { AutoETS } from '@bsull/augurs/ets'
import { MSTL } from '@bsull/augurs/mstl'
import { loadAugurs } from './augurs.ts'
import { boxCox, guerreroLambda, invBoxCox } from './boxcox.ts'
import { seasonalIndexes, theta } from './theta.ts'

export type ModelKind = 'mstl' | 'decomposed-ets' | 'ets' | 'theta' | 'seasonal-naive' | 'naive'

export interface ModelOutput {
  point: number[]
  sd: number[]
  /** In-sample one-step fitted values, where the model offers them (for residual anomalies). */
  fitted?: number[]
}

export type Candidates = Partial<Record<ModelKind, ModelOutput>>

export interface CandidateFit {
  outputs: Candidates
  /** Box-Cox λ MSTL was fitted with; null when it was fitted on the raw values. */
  lambda: number | null
  /** Members that could not be fitted, with augurs' reason. */
  failures: string[]
}

const Z95 = 1.959963984540054

/** Shortest history each family of models is fitted on. */
export const MIN_SEASONAL_HISTORY = (season: number) => 2 * season
export const MIN_MODEL_HISTORY = 6

export const MODEL_LABEL: Record<ModelKind, string> = {
  mstl: 'MSTL + AutoETS',
  'decomposed-ets': 'Seasonal indexes + AutoETS',
  ets: 'AutoETS (non-seasonal)',
  theta: 'Theta',
  'seasonal-naive': 'Seasonal naive',
  naive: 'Naive (last value)'
}

export interface FitOptions {
  /** Also return MSTL's in-sample fitted values. */
  withFitted?: boolean
  /** Fit only these (the naive baselines cost nothing and are always there). */
  only?: readonly ModelKind[]
}

/** Every candidate the history supports, fitted on `series` (NaN gaps allowed) for `horizon` steps. */
export function fitCandidates (series: readonly number[], horizon: number, season: number, { withFitted = false, only }: FitOptions = {}): CandidateFit {
  const filled = interpolate(series)
  const outputs: Candidates = {}
  const failures: string[] = []
  let lambda: number | null = null
  const attempt = (kind: ModelKind, fit: () => ModelOutput) => {
    if (only && !only.includes(kind)) return
    try {
      const output = fit()
      if (output.point.every(Number.isFinite)) outputs[kind] = output
      else failures.push(`${MODEL_LABEL[kind]} gave no finite forecast`)
    } catch (error) {
      failures.push(`${MODEL_LABEL[kind]} could not be fitted (${error instanceof Error ? error.message : String(error)})`)
    }
  }
  if (series.length < MIN_MODEL_HISTORY) {
    outputs.naive = seasonalNaive(filled, horizon, 1)
    return { outputs, lambda, failures }
  }
  outputs['seasonal-naive'] = seasonalNaive(filled, horizon, season)
  if (series.length >= MIN_SEASONAL_HISTORY(season)) {
    lambda = guerreroLambda(filled, season)
    attempt('mstl', () => fitMstl(series, horizon, season, lambda, withFitted))
    attempt('decomposed-ets', () => fitDecomposedEts(filled, horizon, season))
  } else {
    attempt('ets', () => fitEts(filled, horizon))
  }
  attempt('theta', () => theta(filled, horizon, season))
  return { outputs, lambda, failures }
}

/** Equal-weight average of forecasts: points and nominal deviations (interval averaging, as the M4 combination entries did). */
export function averageOutputs (members: readonly ModelOutput[]): ModelOutput {
  if (members.length === 1) return members[0] as ModelOutput
  const mean = (pick: (output: ModelOutput) => number[], h: number) => members.reduce((sum, output) => sum + (pick(output)[h] ?? Number.NaN), 0) / members.length
  const horizon = members[0]?.point.length ?? 0
  return {
    point: Array.from({ length: horizon }, (_, h) => mean(output => output.point, h)),
    sd: Array.from({ length: horizon }, (_, h) => mean(output => output.sd, h))
  }
}

function fitMstl (y: readonly number[], horizon: number, season: number, lambda: number | null, withFitted: boolean): ModelOutput {
  loadAugurs('mstl')
  const forward = (value: number) => (lambda === null || Number.isNaN(value) ? value : boxCox(value, lambda))
  const back = (value: number) => (lambda === null ? value : invBoxCox(value, lambda))
  using model = MSTL.ets([season], { impute: true })
  model.fit(Float64Array.from(y, forward))
  const forecast = model.predict(horizon, 0.95)
  const lower = forecast.intervals?.lower ?? []
  const upper = forecast.intervals?.upper ?? []
  const output: ModelOutput = {
    point: forecast.point.map(back),
    // On the transformed scale the interval is symmetric; back on the original scale it is not,
    // and half its width is the spread the calibration rescales.
    sd: forecast.point.map((_, h) => (back(upper[h] ?? Number.NaN) - back(lower[h] ?? Number.NaN)) / (2 * Z95))
  }
  if (withFitted) output.fitted = model.predictInSample().point.map(back)
  return output
}

/**
 * Classical seasonal indexes (multiplicative for positive series, as R's decompose) taken out,
 * AutoETS on what is left (additive errors; none, linear or damped trend — the multiplicative
 * error forms double the fitting time and gained nothing on the benchmark series), the indexes
 * put back: the shape of ETS with a multiplicative season, which augurs' AutoETS lacks.
 */
function fitDecomposedEts (y: readonly number[], horizon: number, season: number): ModelOutput {
  const indexes = seasonalIndexes(y, season)
  if (!indexes) return fitEts(y, horizon)
  const adjusted = fitEts(y.map((value, t) => indexes.apply(value, t)), horizon, 'AZN')
  const n = y.length
  return {
    point: adjusted.point.map((value, h) => indexes.restore(value, n + h)),
    sd: adjusted.sd.map((sd, h) => indexes.restore((adjusted.point[h] as number) + sd, n + h) - indexes.restore(adjusted.point[h] as number, n + h))
  }
}

function fitEts (y: readonly number[], horizon: number, spec = 'ZZN'): ModelOutput {
  loadAugurs('ets')
  using model = new AutoETS(1, spec)
  model.fit(Float64Array.from(y))
  const forecast = model.predict(horizon, 0.95)
  const lower = forecast.intervals?.lower ?? []
  const upper = forecast.intervals?.upper ?? []
  return { point: [...forecast.point], sd: forecast.point.map((_, h) => ((upper[h] ?? Number.NaN) - (lower[h] ?? Number.NaN)) / (2 * Z95)) }
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
