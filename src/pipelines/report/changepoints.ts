/**
 * Where a series' level shifted for good (a price change, a lost customer): augurs' Bayesian
 * online changepoint detector with a Normal-Gamma prior, run on the deseasonalised, standardised
 * series: a yearly peak is not a change of level, and the default prior then suits any scale.
 */
import { ChangepointDetector } from '@bsull/augurs/changepoint'
import { mean, standardDeviation } from 'simple-statistics'
import { loadAugurs } from './augurs.ts'
import { interpolate } from './models.ts'

export interface ChangePoint { measure: string, series: string, period: string, before: number, after: number }

export function detectChangePoints (measure: string, series: string, labels: readonly string[], values: ArrayLike<number>, season: number): ChangePoint[] {
  const y = deseasonalise(interpolate(values), season)
  if (y.length < 8) return []
  const centre = mean(y)
  const spread = standardDeviation(y)
  if (!(spread > 0)) return []
  loadAugurs('changepoint')
  const detector = ChangepointDetector.normalGamma()
  let indices: number[]
  try {
    indices = detector.detectChangepoints(Float64Array.from(y, value => (value - centre) / spread)).indices
  } finally {
    detector.free()
  }
  const cuts = indices.filter(index => index > 1 && index < y.length - 1)
  return cuts.map((index, k) => {
    const from = k === 0 ? 0 : cuts[k - 1] as number
    const to = cuts[k + 1] ?? y.length
    return {
      measure,
      series,
      period: labels[index] as string,
      before: round(mean(y.slice(from, index))),
      after: round(mean(y.slice(index, to)))
    }
  })
}

const round = (value: number) => Math.round(value * 100) / 100

/**
 * Classical decomposition's seasonal step: subtracts each season position's average deviation
 * from a centred moving average. Needs two full seasons; shorter series are returned as they are.
 */
export function deseasonalise (y: readonly number[], season: number): number[] {
  if (season < 2 || y.length < 2 * season) return [...y]
  const half = Math.floor(season / 2)
  const deviations: number[][] = Array.from({ length: season }, () => [])
  for (let t = half; t < y.length - half; t++) {
    let sum = 0
    // An even season needs a 2×m moving average to be centred.
    for (let k = -half; k <= half; k++) sum += (y[t + k] as number) * (season % 2 === 0 && Math.abs(k) === half ? 0.5 : 1)
    deviations[t % season]?.push((y[t] as number) - sum / season)
  }
  const index = deviations.map(list => (list.length > 0 ? mean(list) : 0))
  const offset = mean(index)
  return y.map((value, t) => value - ((index[t % season] as number) - offset))
}
