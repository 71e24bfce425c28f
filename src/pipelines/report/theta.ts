/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000, the M3 competition's best method) in
 * the form Hyndman & Billah (2003) showed it to be — simple exponential smoothing with a drift of
 * half the series' linear trend — following R's `forecast::thetaf` step for step so its values
 * can be checked against R: a seasonality test on the autocorrelation at the season lag, a
 * classical multiplicative decomposition when it passes, SES on the seasonally adjusted series
 * (α and the initial level by least squares, which is ETS(A,N,N)'s likelihood), the drift, and
 * the seasonal indexes put back. No npm library offers it (augurs has ETS and MSTL only).
 */

export interface ThetaOutput {
  point: number[]
  /** Standard deviation per step, as thetaf computes its intervals. */
  sd: number[]
  alpha: number
  seasonal: boolean
}

const Z95_ONE_SIDED = 1.6448536269514722
const ALPHA_BOUNDS: readonly [number, number] = [1e-4, 0.9999]

export function theta (y: readonly number[], horizon: number, season: number): ThetaOutput {
  const n = y.length
  const indexes = season > 1 && n > 2 * season && !isConstant(y) && isSeasonal(y, season) ? seasonalIndexes(y, season) : null
  const adjusted = indexes ? y.map((value, t) => indexes.apply(value, t)) : [...y]
  const { alpha, level, sse } = fitSes(adjusted)
  const slope = olsSlope(adjusted) / 2
  const sigma = Math.sqrt(sse / Math.max(1, n - 3))
  const point: number[] = []
  const sd: number[] = []
  for (let h = 0; h < horizon; h++) {
    const base = level + slope * (h + (1 - Math.pow(1 - alpha, n)) / alpha)
    point.push(indexes ? indexes.restore(base, n + h) : base)
    sd.push(sigma * Math.sqrt(h * alpha * alpha + 1))
  }
  return { point, sd, alpha, seasonal: indexes !== null }
}

/** R's test: |r_m| beyond the one-sided 90% bound of its standard error under no seasonality. */
function isSeasonal (y: readonly number[], season: number): boolean {
  const r = autocorrelations(y, season)
  let squares = 0
  for (let k = 1; k < season; k++) squares += (r[k] as number) ** 2
  const stat = Math.sqrt((1 + 2 * squares) / y.length)
  return Math.abs(r[season] as number) / stat > Z95_ONE_SIDED
}

export function autocorrelations (y: readonly number[], maxLag: number): number[] {
  const mean = y.reduce((sum, value) => sum + value, 0) / y.length
  const deviations = y.map(value => value - mean)
  const variance = deviations.reduce((sum, value) => sum + value * value, 0)
  const r = [1]
  for (let k = 1; k <= maxLag; k++) {
    let total = 0
    for (let t = 0; t + k < y.length; t++) total += (deviations[t] as number) * (deviations[t + k] as number)
    r.push(variance === 0 ? 0 : total / variance)
  }
  return r
}

interface SeasonalIndexes {
  apply: (value: number, t: number) => number
  restore: (value: number, t: number) => number
}

/**
 * R's `decompose`: a centred moving average of one season as the trend, the mean ratio (or
 * difference, for series that are not positive) to it per position in the season, normalised.
 * Positions count from the first point, as R's do.
 */
export function seasonalIndexes (y: readonly number[], season: number): SeasonalIndexes | null {
  const multiplicative = y.every(value => value > 0)
  const n = y.length
  const weights = season % 2 === 0 ? [0.5, ...new Array<number>(season - 1).fill(1), 0.5].map(w => w / season) : new Array<number>(season).fill(1 / season)
  const half = Math.floor(weights.length / 2)
  const sums = new Array<number>(season).fill(0)
  const counts = new Array<number>(season).fill(0)
  for (let t = half; t < n - (weights.length - 1 - half); t++) {
    let trend = 0
    weights.forEach((w, j) => { trend += w * (y[t - half + j] as number) })
    sums[t % season]! += multiplicative ? (y[t] as number) / trend : (y[t] as number) - trend
    counts[t % season]! += 1
  }
  const figure = sums.map((sum, i) => sum / (counts[i] as number))
  const centre = figure.reduce((sum, value) => sum + value, 0) / season
  const normalised = figure.map(value => (multiplicative ? value / centre : value - centre))
  if (normalised.some(value => !Number.isFinite(value)) || (multiplicative && normalised.some(value => Math.abs(value) < 1e-4))) return null
  const at = (t: number) => normalised[t % season] as number
  return multiplicative
    ? { apply: (value, t) => value / at(t), restore: (value, t) => value * at(t) }
    : { apply: (value, t) => value - at(t), restore: (value, t) => value + at(t) }
}

/**
 * Simple exponential smoothing fitted by least squares. For a given α the one-step errors are
 * linear in the initial level, so that level has a closed form and only α is searched.
 */
export function fitSes (y: readonly number[]): { alpha: number, level: number, sse: number } {
  const errorsFor = (alpha: number) => {
    // e_t = a_t − c_t·ℓ0, with a_t the errors from ℓ0 = 0 and c_t = (1 − α)^t.
    let level = 0
    let weight = 1
    let ac = 0
    let cc = 0
    const a: number[] = []
    const c: number[] = []
    for (const value of y) {
      const error = value - level
      a.push(error)
      c.push(weight)
      ac += error * weight
      cc += weight * weight
      level += alpha * error
      weight *= 1 - alpha
    }
    const initial = cc > 0 ? ac / cc : 0
    let sse = 0
    for (let t = 0; t < a.length; t++) sse += ((a[t] as number) - (c[t] as number) * initial) ** 2
    return { initial, sse }
  }
  // A coarse grid first: the sum of squares in α can have more than one dip.
  let best = ALPHA_BOUNDS[0]
  let bestSse = Number.POSITIVE_INFINITY
  for (let i = 0; i <= 20; i++) {
    const alpha = ALPHA_BOUNDS[0] + (ALPHA_BOUNDS[1] - ALPHA_BOUNDS[0]) * i / 20
    const { sse } = errorsFor(alpha)
    if (sse < bestSse) {
      bestSse = sse
      best = alpha
    }
  }
  const step = (ALPHA_BOUNDS[1] - ALPHA_BOUNDS[0]) / 20
  let lo = Math.max(ALPHA_BOUNDS[0], best - step)
  let hi = Math.min(ALPHA_BOUNDS[1], best + step)
  const ratio = (Math.sqrt(5) - 1) / 2
  while (hi - lo > 1e-7) {
    const c = hi - ratio * (hi - lo)
    const d = lo + ratio * (hi - lo)
    if (errorsFor(c).sse <= errorsFor(d).sse) hi = d
    else lo = c
  }
  const alpha = (lo + hi) / 2
  const { initial, sse } = errorsFor(alpha)
  // The level after the last point: ℓ_n = Σ α(1−α)^(n−1−t) y_t + (1−α)^n ℓ0.
  let level = initial
  for (const value of y) level += alpha * (value - level)
  return { alpha, level, sse }
}

function olsSlope (y: readonly number[]): number {
  const n = y.length
  const meanT = (n - 1) / 2
  const meanY = y.reduce((sum, value) => sum + value, 0) / n
  let sxy = 0
  let sxx = 0
  y.forEach((value, t) => {
    sxy += (t - meanT) * (value - meanY)
    sxx += (t - meanT) ** 2
  })
  return sxx === 0 ? 0 : sxy / sxx
}

const isConstant = (y: readonly number[]) => y.every(value => value === y[0])
