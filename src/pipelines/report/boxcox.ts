/**
 * The Box-Cox transformation and Guerrero's (1993) choice of its λ, as R's forecast package
 * does them (`BoxCox`, `BoxCox.lambda(method = "guerrero")`): series whose swings grow with their
 * level (sales that double and whose seasonal peaks double with them) become additive on the
 * transformed scale, which is the scale MSTL's decomposition assumes. λ is kept within [0, 1]:
 * 0 is the log, 1 leaves the series as it is (shifted by one), and values outside that range
 * over-correct on the short histories business exports have.
 */

export const LAMBDA_RANGE: readonly [number, number] = [0, 1]

export function boxCox (y: number, lambda: number): number {
  return lambda === 0 ? Math.log(y) : (Math.pow(y, lambda) - 1) / lambda
}

/** Inverse of boxCox; values below the transform's floor map to 0 (the series is positive). */
export function invBoxCox (x: number, lambda: number): number {
  if (lambda === 0) return Math.exp(x)
  const base = lambda * x + 1
  return base <= 0 ? 0 : Math.pow(base, 1 / lambda)
}

/**
 * Guerrero's λ: cut the series into the latest whole seasons (or pairs of points when it has no
 * season), and take the λ that makes sd ÷ mean^(1−λ) most alike across them (smallest
 * coefficient of variation). Null when the series is not strictly positive or too short to say.
 */
export function guerreroLambda (y: readonly number[], season: number, [lower, upper] = LAMBDA_RANGE): number | null {
  if (y.some(value => !(value > 0))) return null
  const period = Math.max(2, Math.round(season))
  const blocks = Math.floor(y.length / period)
  if (blocks < 2) return null
  const start = y.length - blocks * period
  const means: number[] = []
  const sds: number[] = []
  for (let b = 0; b < blocks; b++) {
    const block = y.slice(start + b * period, start + (b + 1) * period)
    const mean = block.reduce((sum, value) => sum + value, 0) / period
    means.push(mean)
    sds.push(Math.sqrt(block.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (period - 1)))
  }
  const variation = (lambda: number) => {
    const ratios = sds.map((sd, i) => sd / Math.pow(means[i] as number, 1 - lambda))
    const mean = ratios.reduce((sum, value) => sum + value, 0) / ratios.length
    const sd = Math.sqrt(ratios.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (ratios.length - 1))
    return mean === 0 ? Number.POSITIVE_INFINITY : sd / mean
  }
  return goldenMinimum(variation, lower, upper)
}

/** Golden-section search for a minimum of f on [a, b] (R's `optimize` without the parabolic steps). */
export function goldenMinimum (f: (x: number) => number, a: number, b: number, tolerance = 1e-5): number {
  const ratio = (Math.sqrt(5) - 1) / 2
  let c = b - ratio * (b - a)
  let d = a + ratio * (b - a)
  let fc = f(c)
  let fd = f(d)
  while (b - a > tolerance) {
    if (fc <= fd) {
      b = d
      d = c
      fd = fc
      c = b - ratio * (b - a)
      fc = f(c)
    } else {
      a = c
      c = d
      fc = fd
      d = a + ratio * (b - a)
      fd = f(d)
    }
  }
  return (a + b) / 2
}
