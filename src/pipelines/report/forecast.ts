/**
 * One series in, one published forecast out. Picks the model the history supports (MSTL from
 * two full seasons, non-seasonal AutoETS below that, a naive forecast for a handful of points),
 * backtests it against seasonal naive, publishes the baseline instead when the model loses, and
 * widens or narrows the intervals by the held-out calibration so "95%" means 95%.
 */
import { backtest, LEVEL, Z95, type Accuracy, type Backtest } from './backtest.ts'
import { fitPredict, interpolate, MODEL_LABEL, minimumHistory, type ModelKind, type ModelOutput } from './models.ts'

export interface ForecastPoint { period: string, value: number, lower: number, upper: number }

export interface Forecast {
  model: string
  history: Array<{ period: string, value: number | null }>
  forecast: ForecastPoint[]
  accuracy: Accuracy | null
  level: number
  /** Plain-language caveats: short history, baseline published, no backtest possible. */
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
  /** In-sample fitted values of the published model, when it has them (for residual anomalies). */
  fitted?: number[]
}

const FALLBACKS: ModelKind[] = ['mstl', 'ets', 'naive']

export function forecastSeries ({ values, labels, futureLabels, season }: SeriesInput): ForecastOutcome {
  const y = Array.from(values)
  const horizon = futureLabels.length
  const history = labels.map((period, i) => ({ period, value: Number.isNaN(y[i]) ? null : round(y[i] as number) }))
  const known = y.filter(value => !Number.isNaN(value))
  const notes: string[] = []
  if (known.length < 2) {
    return { forecast: { model: 'none', history, forecast: [], accuracy: null, level: LEVEL, notes: ['Too few periods with data to forecast.'] } }
  }
  const filled = interpolate(y)
  const candidates = FALLBACKS.filter(kind => y.length >= minimumHistory(kind, season))
  for (const kind of candidates) {
    try {
      return publish(kind, y, filled, season, horizon, futureLabels, history, notes)
    } catch (error) {
      notes.push(`${MODEL_LABEL[kind]} could not be fitted (${error instanceof Error ? error.message : String(error)}).`)
    }
  }
  return { forecast: { model: 'none', history, forecast: [], accuracy: null, level: LEVEL, notes } }
}

function publish (kind: ModelKind, y: number[], filled: number[], season: number, horizon: number, futureLabels: readonly string[], history: Forecast['history'], notes: string[]): ForecastOutcome {
  const input = kind === 'mstl' ? y : filled
  const tested = backtest(input, kind, season, horizon)
  let published: ModelKind = kind
  let label = kind === 'mstl' ? `${MODEL_LABEL.mstl} (season ${season})` : MODEL_LABEL[kind]
  if (kind !== 'mstl' && kind !== 'naive') notes.push(`The history (${y.length} periods) is shorter than two seasons (${2 * season}), so a simpler model without seasonality was used.`)
  let scores = tested?.model
  if (tested && kind !== 'naive' && isWorse(tested)) {
    published = 'seasonal-naive'
    scores = tested.baseline
    label = y.length > season ? `${MODEL_LABEL['seasonal-naive']} (season ${season})` : MODEL_LABEL.naive
    notes.push(`${MODEL_LABEL[kind]} was less accurate than the ${label.toLowerCase()} baseline on the held-out periods (MASE ${fmt(tested.model.mase)} vs ${fmt(tested.baseline.mase)}), so the baseline is published.`)
  }
  if (!tested) notes.push('The history is too short to hold periods out, so accuracy is not measured and the intervals are the model\'s own, uncalibrated.')
  const output: ModelOutput = published === 'seasonal-naive' ? fitPredict('seasonal-naive', filled, horizon, season) : fitPredict(published, input, horizon, season, true)
  const scale = scores?.widthScale ?? 1
  const nonNegative = y.every(value => Number.isNaN(value) || value >= 0)
  const clamp = (value: number) => (nonNegative ? Math.max(0, value) : value)
  const forecast = futureLabels.map((period, h) => {
    const point = output.point[h] ?? Number.NaN
    const half = Z95 * scale * (output.sd[h] ?? 0)
    return { period, value: round(clamp(point)), lower: round(clamp(point - half)), upper: round(clamp(point + half)) }
  })
  const accuracy: Accuracy | null = tested && scores
    ? { holdout: tested.holdout, folds: tested.folds, mase: finite(scores.mase), smape: finite(scores.smape), baselineMase: finite(tested.baseline.mase), coverage: scores.coverage === null ? null : round(scores.coverage), level: LEVEL }
    : null
  const outcome: ForecastOutcome = { forecast: { model: label, history, forecast, accuracy, level: LEVEL, notes } }
  if (output.fitted) outcome.fitted = output.fitted
  return outcome
}

/** The model loses when its held-out MASE is clearly above the baseline's (ties go to the model). */
const isWorse = (tested: Backtest) => Number.isFinite(tested.model.mase) && Number.isFinite(tested.baseline.mase) && tested.model.mase > tested.baseline.mase * 1.0001

const finite = (value: number) => (Number.isFinite(value) ? round(value) : null)
const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a')
/** Cents are the finest unit the report shows; more digits only bloat the document. */
const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 100) / 100 : value)
