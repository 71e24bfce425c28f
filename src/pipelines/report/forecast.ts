/**
 * One series in, one published forecast out. Every candidate the history supports (models.ts)
 * is backtested on the same rolling origins (backtest.ts), and the two with the lowest held-out
 * MASE are averaged ("select, then combine": averaging guards against the noise of picking one
 * winner from a few folds, and dropping the weak candidates keeps them from diluting it). The
 * intervals are rescaled per horizon step by the same folds, and the accuracy shown is the
 * published average's own on those folds. With too few folds to measure anything the seasonal
 * models are averaged without evidence, and the report says the history is insufficient
 * instead of printing a noisy number.
 */
import { backtest, LEVEL, MIN_FOLDS_FOR_ACCURACY, score, Z95, type Accuracy, type Backtest } from './backtest.ts'
import { averageOutputs, fitCandidates, MIN_MODEL_HISTORY, MIN_SEASONAL_HISTORY, MODEL_LABEL, type ModelKind, type ModelOutput } from './models.ts'

export interface ForecastPoint { period: string, value: number, lower: number, upper: number }

export interface Forecast {
  model: string
  history: Array<{ period: string, value: number | null }>
  forecast: ForecastPoint[]
  accuracy: Accuracy | null
  level: number
  /** Plain-language caveats: short history, insufficient history, members that failed. */
  notes: string[]
}

export interface SeriesInput {
  values: ArrayLike<number>
  /** Labels of the history periods, then of the forecast periods. */
  labels: readonly string[]
  futureLabels: readonly string[]
  season: number
}

export interface ForecastOutcome {
  forecast: Forecast
  /** In-sample fitted values of the seasonal model, when it has them (for residual anomalies). */
  fitted?: number[]
}

/** Preference among equally scored methods, and the choice when nothing could be measured. */
const PREFERENCE: ModelKind[] = ['mstl', 'theta', 'decomposed-ets', 'ets', 'seasonal-naive', 'naive']
/** How many of the best-scored methods are averaged. */
export const COMBINED = 2

export function forecastSeries ({ values, labels, futureLabels, season }: SeriesInput): ForecastOutcome {
  const y = Array.from(values)
  const horizon = futureLabels.length
  const history = labels.map((period, i) => ({ period, value: Number.isNaN(y[i]) ? null : round(y[i] as number) }))
  const known = y.filter(value => !Number.isNaN(value))
  if (known.length < 2) {
    return { forecast: { model: 'none', history, forecast: [], accuracy: null, level: LEVEL, notes: ['Too few periods with data to forecast.'] } }
  }
  const notes: string[] = []
  const seasonal = y.length >= MIN_SEASONAL_HISTORY(season)
  if (!seasonal && y.length >= MIN_MODEL_HISTORY) notes.push(`The history (${y.length} periods) is shorter than two seasons (${2 * season}), so models without seasonality were used.`)
  const minTrain = seasonal ? MIN_SEASONAL_HISTORY(season) : MIN_MODEL_HISTORY
  const tested = backtest(y, season, horizon, minTrain)
  const folds = tested?.folds.length ?? 0
  const measured = tested !== null && folds >= MIN_FOLDS_FOR_ACCURACY
  const scored = measured ? best(tested, PREFERENCE) : []
  // On the whole history only what is published is refitted.
  const final = fitCandidates(y, horizon, season, { withFitted: true, ...(scored.length > 0 ? { only: scored } : {}) })
  for (const failure of final.failures) notes.push(`${failure}.`)
  const available = PREFERENCE.filter(kind => final.outputs[kind] !== undefined)
  const members = scored.length > 0 ? scored.filter(kind => available.includes(kind)) : withoutEvidence(available)
  if (members.length === 0) return { forecast: { model: 'none', history, forecast: [], accuracy: null, level: LEVEL, notes } }
  const output = averageOutputs(members.map(kind => final.outputs[kind] as ModelOutput))
  const scores = tested ? score(tested, members) : null
  if (!measured) notes.push(`Insufficient history to measure accuracy: ${y.length} periods allow ${folds} backtest fold${folds === 1 ? '' : 's'}, and at least ${MIN_FOLDS_FOR_ACCURACY} are needed.${scores ? ' The intervals are calibrated on what could be held out.' : ' The intervals are the models\' own, uncalibrated.'}`)
  const nonNegative = y.every(value => Number.isNaN(value) || value >= 0)
  const clamp = (value: number) => (nonNegative ? Math.max(0, value) : value)
  const forecast = futureLabels.map((period, h) => {
    const point = output.point[h] ?? Number.NaN
    const half = Z95 * (scores?.widthScale[h] ?? 1) * (output.sd[h] ?? 0)
    return { period, value: round(clamp(point)), lower: round(clamp(point - half)), upper: round(clamp(point + half)) }
  })
  const accuracy: Accuracy | null = measured && scores
    ? { holdout: scores.points, folds, mase: finite(scores.mase), smape: finite(scores.smape), baselineMase: finite(score(tested, ['seasonal-naive'])?.mase ?? Number.NaN), coverage: scores.coverage === null ? null : round(scores.coverage), level: LEVEL }
    : null
  const label = members.map(kind => describe(kind, final.lambda, season, y.length))
  const model = label.length === 1 ? label[0] as string : `Average of ${label.join(' and ')}`
  const outcome: ForecastOutcome = { forecast: { model, history, forecast, accuracy, level: LEVEL, notes } }
  // MSTL's in-sample fit, when it is published, is what the residual anomaly check reads.
  const fitted = members.includes('mstl') ? final.outputs.mstl?.fitted : undefined
  if (fitted) outcome.fitted = fitted
  return outcome
}

/** The COMBINED methods with the lowest held-out MASE (stable order: ties keep PREFERENCE's). */
function best (tested: Backtest, available: readonly ModelKind[]): ModelKind[] {
  return available
    .map(kind => ({ kind, mase: score(tested, [kind])?.mase ?? Number.NaN }))
    .filter(entry => Number.isFinite(entry.mase))
    .sort((a, b) => a.mase - b.mase)
    .slice(0, COMBINED)
    .map(entry => entry.kind)
}

/** Without folds to score: the first models of PREFERENCE, never the naive baselines. */
function withoutEvidence (available: readonly ModelKind[]): ModelKind[] {
  const models = available.filter(kind => kind !== 'seasonal-naive' && kind !== 'naive').slice(0, COMBINED)
  return models.length > 0 ? models : available.slice(0, 1)
}

function describe (kind: ModelKind, lambda: number | null, season: number, length: number): string {
  const scale = lambda === null ? '' : lambda < 0.005 ? ', log scale' : `, Box-Cox λ ${lambda.toFixed(2)}`
  switch (kind) {
    case 'mstl': return `${MODEL_LABEL.mstl} (season ${season}${scale})`
    case 'decomposed-ets': return `${MODEL_LABEL['decomposed-ets']} (season ${season})`
    case 'seasonal-naive': return length > season ? `${MODEL_LABEL['seasonal-naive']} (season ${season})` : MODEL_LABEL.naive
    default: return MODEL_LABEL[kind]
  }
}

const finite = (value: number) => (Number.isFinite(value) ? round(value) : null)
/** Cents are the finest unit the report shows; more digits only bloat the document. */
const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 100) / 100 : value)
