/**
 * Honest accuracy by rolling-origin evaluation: the series is cut at several recent origins,
 * every candidate method is fitted on the part before each cut and forecasts up to the whole
 * horizon after it, and the errors are scored per method or average of methods (MASE against the training part's
 * seasonal-naive error, sMAPE). The same folds calibrate the prediction intervals per horizon
 * step — a method's nominal 95% band is rescaled by how far its errors at that step actually
 * spread — and the coverage a series reports is measured on folds the calibration did not see
 * (the folds are split in two interleaved halves, each calibrating the other).
 */
import { averageOutputs, fitCandidates, type Candidates, type ModelKind, type ModelOutput } from './models.ts'

export const LEVEL = 0.95
export const Z95 = 1.959963984540054

/** Most folds per series: each costs one fit of every candidate. */
export const MAX_FOLDS = 6
/** Fewer folds than this measure noise, not accuracy: the report says "insufficient history". */
export const MIN_FOLDS_FOR_ACCURACY = 2
/** How many pooled squared errors a step's own estimate is blended with (steps with few errors lean on the pool). */
const POOL_WEIGHT = 3

export interface Accuracy {
  /** Held-out points scored, over all folds and steps. */
  holdout: number
  folds: number
  mase: number | null
  smape: number | null
  baselineMase: number | null
  /** Share of held-out actuals inside intervals calibrated on the other half of the folds. */
  coverage: number | null
  level: number
}

/** What one method scored over the folds, and how to scale its nominal deviation per step. */
export interface Scores {
  mase: number
  smape: number
  coverage: number | null
  /** Multiplies the method's nominal standard deviation at step h (index h − 1). */
  widthScale: number[]
  /** Held-out points scored. */
  points: number
}

/** One cut: what followed it, the MASE scale of what preceded it, and every candidate's forecast. */
export interface Fold { actual: number[], scale: number, outputs: Candidates }

export interface Backtest {
  folds: Fold[]
  /** Training lengths of the folds, latest first. */
  origins: number[]
  horizon: number
}

interface StepError { fold: number, step: number, scaled: number, smape: number, z: number }

/**
 * Training lengths for the folds, latest first: cuts half the horizon apart (every step is
 * tested by all but the latest fold; closer cuts would cost a refit of every candidate each for
 * little new evidence), each leaving at least `minTrain` points to fit on.
 */
export function planOrigins (length: number, minTrain: number, horizon: number, maxFolds = MAX_FOLDS): number[] {
  const stride = Math.max(1, Math.ceil(horizon / 2))
  const origins: number[] = []
  for (let origin = length - stride; origin >= minTrain && origins.length < maxFolds; origin -= stride) origins.push(origin)
  return origins
}

/** Fits every candidate at every origin; score() then rates any one candidate or average of several. */
export function backtest (y: readonly number[], season: number, horizon: number, minTrain: number): Backtest | null {
  const origins = planOrigins(y.length, minTrain, horizon)
  if (origins.length === 0) return null
  const folds = origins.map(origin => {
    const train = y.slice(0, origin)
    const actual = y.slice(origin, origin + horizon)
    return { actual, scale: naiveScale(train, season), outputs: fitCandidates(train, actual.length, season).outputs }
  })
  return { folds, origins, horizon }
}

/** Scores of the equal-weight average of `members` (one member: that method), or null if one is missing from a fold. */
export function score (tested: Backtest, members: readonly ModelKind[]): Scores | null {
  const errors: StepError[] = []
  for (const [index, fold] of tested.folds.entries()) {
    const outputs = members.map(kind => fold.outputs[kind])
    if (outputs.some(output => output === undefined)) return null
    collectErrors(errors, index, fold.actual, averageOutputs(outputs as ModelOutput[]), fold.scale)
  }
  return summarize(errors, tested.horizon)
}

function collectErrors (into: StepError[], fold: number, actual: readonly number[], output: ModelOutput, scale: number): void {
  actual.forEach((value, h) => {
    const predicted = output.point[h] ?? Number.NaN
    if (Number.isNaN(value) || Number.isNaN(predicted)) return
    const error = value - predicted
    const denominator = Math.abs(value) + Math.abs(predicted)
    const sd = output.sd[h] ?? Number.NaN
    into.push({
      fold,
      step: h,
      scaled: scale > 0 ? Math.abs(error) / scale : Number.NaN,
      smape: denominator === 0 ? 0 : 200 * Math.abs(error) / denominator,
      z: sd > 0 ? error / sd : Number.NaN
    })
  })
}

function summarize (errors: readonly StepError[], horizon: number): Scores {
  const even = errors.filter(error => error.fold % 2 === 0)
  const odd = errors.filter(error => error.fold % 2 === 1)
  let coverage: number | null = null
  if (even.some(hasZ) && odd.some(hasZ)) {
    const inside = (tested: readonly StepError[], calibrated: number[]) => tested.filter(error => hasZ(error) && Math.abs(error.z) <= Z95 * (calibrated[error.step] as number)).length
    const tested = errors.filter(hasZ).length
    coverage = (inside(even, stepScales(odd, horizon)) + inside(odd, stepScales(even, horizon))) / tested
  }
  return {
    mase: mean(errors.map(error => error.scaled).filter(Number.isFinite)),
    smape: mean(errors.map(error => error.smape)),
    coverage,
    widthScale: stepScales(errors, horizon),
    points: errors.length
  }
}

const hasZ = (error: StepError) => Number.isFinite(error.z)

/**
 * Interval scale per step from standardised errors z (error ÷ nominal sd). A step's mean square
 * is blended with the pooled mean square of all steps (POOL_WEIGHT pseudo-errors), so a step
 * tested in two folds is not set by two numbers alone; the width uses Student's t quantile for
 * as many degrees of freedom as there are errors behind the pool (the blend leans on all of
 * them), which widens intervals only where there are few errors at all. Steps never tested
 * take the nearest tested step's scale. 1 means the method's own intervals were right.
 */
export function stepScales (errors: readonly StepError[], horizon: number): number[] {
  const usable = errors.filter(hasZ)
  if (usable.length === 0) return new Array<number>(horizon).fill(1)
  const pooled = usable.reduce((sum, error) => sum + error.z * error.z, 0) / usable.length
  const scales: Array<number | null> = []
  for (let step = 0; step < horizon; step++) {
    const own = usable.filter(error => error.step === step)
    if (own.length === 0) {
      scales.push(null)
      continue
    }
    const squares = own.reduce((sum, error) => sum + error.z * error.z, 0)
    const meanSquare = (squares + POOL_WEIGHT * pooled) / (own.length + POOL_WEIGHT)
    const degrees = usable.length
    scales.push(Math.sqrt(meanSquare) * t975(degrees) / Z95)
  }
  const last = scales.findLastIndex(scale => scale !== null)
  return scales.map((scale, step) => scale ?? (scales[Math.min(step, last)] as number | null) ?? Math.sqrt(pooled))
}

/** Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042]

export const t975 = (degrees: number) => T975[degrees - 1] ?? Z95 + 2.5 / degrees

/** Mean absolute seasonal-naive error in the training data: the MASE denominator. */
export function naiveScale (train: readonly number[], season: number): number {
  const lagged = (lag: number) => {
    let total = 0
    let count = 0
    for (let t = lag; t < train.length; t++) {
      const error = (train[t] as number) - (train[t - lag] as number)
      if (Number.isNaN(error)) continue
      total += Math.abs(error)
      count++
    }
    return count > 0 ? total / count : 0
  }
  const seasonal = train.length > season ? lagged(season) : 0
  return seasonal > 0 ? seasonal : lagged(1)
}

const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length)
