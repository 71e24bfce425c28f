/**
 * Honest accuracy: the last periods are held out (two consecutive folds when the history allows),
 * the model and a seasonal-naive baseline are fitted on what came before, and both are scored on
 * the held-out actuals (MASE, sMAPE). The same folds calibrate the prediction intervals: MSTL's
 * nominal 95% intervals covered only 70–84% of actuals here, so their width is rescaled by the
 * spread of held-out errors, and the stated coverage is measured on the fold the scale was not
 * taken from.
 */
import { fitPredict, minimumHistory, seasonalNaive, type ModelKind, type ModelOutput } from './models.ts'

export const LEVEL = 0.95
export const Z95 = 1.959963984540054

export interface Accuracy {
  /** Held-out periods scored, over all folds. */
  holdout: number
  folds: number
  mase: number | null
  smape: number | null
  baselineMase: number | null
  /** Share of held-out actuals inside intervals calibrated on the other fold; null with one fold. */
  coverage: number | null
  level: number
}

export interface Backtest {
  model: Scores
  baseline: Scores
  folds: number
  holdout: number
}

/** What one method scored over the folds, plus its interval scale factor. */
export interface Scores {
  mase: number
  smape: number
  coverage: number | null
  /** Multiplies the method's nominal standard deviation so intervals reach their stated level. */
  widthScale: number
}

interface FoldErrors { scaled: number[], smape: number[], z: number[] }

/** Fold size and count that leave the model its minimum training history, or null when none do. */
export function planFolds (length: number, kind: ModelKind, season: number, horizon: number): { size: number, folds: number } | null {
  const minimum = minimumHistory(kind, season)
  let size = Math.min(horizon, season, Math.max(1, Math.floor(length / 4)))
  while (size >= 1 && length - 2 * size < minimum) size--
  if (size >= 1) return { size, folds: 2 }
  size = Math.min(horizon, season, length - minimum)
  return size >= 1 ? { size, folds: 1 } : null
}

export function backtest (y: readonly number[], kind: ModelKind, season: number, horizon: number): Backtest | null {
  const plan = planFolds(y.length, kind, season, horizon)
  if (!plan) return null
  const model: FoldErrors[] = []
  const baseline: FoldErrors[] = []
  for (let fold = 0; fold < plan.folds; fold++) {
    const origin = y.length - (plan.folds - fold) * plan.size
    const train = y.slice(0, origin)
    const actual = y.slice(origin, origin + plan.size)
    const scale = naiveScale(train, season)
    model.push(foldErrors(actual, fitPredict(kind, train, plan.size, season), scale))
    baseline.push(foldErrors(actual, seasonalNaive(train, plan.size, season), scale))
  }
  return { model: score(model), baseline: score(baseline), folds: plan.folds, holdout: plan.folds * plan.size }
}

function foldErrors (actual: readonly number[], output: ModelOutput, scale: number): FoldErrors {
  const errors: FoldErrors = { scaled: [], smape: [], z: [] }
  actual.forEach((value, h) => {
    const predicted = output.point[h] ?? Number.NaN
    if (Number.isNaN(value) || Number.isNaN(predicted)) return
    const error = value - predicted
    if (scale > 0) errors.scaled.push(Math.abs(error) / scale)
    const denominator = Math.abs(value) + Math.abs(predicted)
    errors.smape.push(denominator === 0 ? 0 : 200 * Math.abs(error) / denominator)
    const sd = output.sd[h] ?? Number.NaN
    if (sd > 0) errors.z.push(error / sd)
  })
  return errors
}

function score (folds: FoldErrors[]): Scores {
  const all = (key: keyof FoldErrors) => folds.flatMap(fold => fold[key])
  const z = all('z')
  let coverage: number | null = null
  if (folds.length === 2 && folds.every(fold => fold.z.length > 0)) {
    // Each fold's intervals use the scale learnt from the other fold: out-of-sample coverage.
    const [a, b] = folds as [FoldErrors, FoldErrors]
    const inside = (fold: FoldErrors, scale: number) => fold.z.filter(value => Math.abs(value) <= Z95 * scale).length
    coverage = (inside(a, widthScale(b.z)) + inside(b, widthScale(a.z))) / (a.z.length + b.z.length)
  }
  return { mase: mean(all('scaled')), smape: mean(all('smape')), coverage, widthScale: widthScale(z) }
}

/** Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042]

export const t975 = (degrees: number) => T975[degrees - 1] ?? Z95 + 2.5 / degrees

/**
 * Interval scale from standardised held-out errors z (error ÷ nominal sd). Their root mean square
 * estimates how far off the nominal width is; because it comes from few errors, a new error
 * divided by it follows Student's t with that many degrees of freedom, so the t quantile (not
 * 1.96) sets the width. 1 means the model's own intervals were right.
 */
export function widthScale (z: readonly number[]): number {
  if (z.length === 0) return 1
  const rms = Math.sqrt(z.reduce((sum, value) => sum + value * value, 0) / z.length)
  return rms * t975(z.length) / Z95
}

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
