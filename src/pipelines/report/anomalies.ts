/**
 * Two views of "unusual": a period far from what the forecasting model expected for that series
 * (a robust z-score of its in-sample residual), and a group that broke away from its peers in a
 * period while the others did not (augurs' DBSCAN outlier detector over the groups' series, each
 * scaled to its own average so big and small regions compare).
 */
import { OutlierDetector } from '@bsull/augurs/outlier'
import { median, medianAbsoluteDeviation } from 'simple-statistics'
import { loadAugurs } from './augurs.ts'

export interface Anomaly {
  measure: string
  series: string
  period: string
  value: number
  expected: number
  score: number
  method: 'forecast residual' | 'peer outlier'
}

/** Robust z above which a residual is called an anomaly (≈ 3.5 standard deviations). */
export const RESIDUAL_THRESHOLD = 3.5
const MAD_TO_SD = 1.4826

export function residualAnomalies (measure: string, series: string, labels: readonly string[], values: ArrayLike<number>, fitted: readonly number[]): Anomaly[] {
  const residuals: Array<{ index: number, residual: number }> = []
  for (let i = 0; i < labels.length; i++) {
    const value = values[i] as number
    const expected = fitted[i] ?? Number.NaN
    if (!Number.isNaN(value) && Number.isFinite(expected)) residuals.push({ index: i, residual: value - expected })
  }
  if (residuals.length < 8) return []
  const centre = median(residuals.map(item => item.residual))
  const spread = MAD_TO_SD * medianAbsoluteDeviation(residuals.map(item => item.residual))
  if (!(spread > 0)) return []
  return residuals
    .map(({ index, residual }) => ({ index, score: Math.abs(residual - centre) / spread }))
    .filter(item => item.score >= RESIDUAL_THRESHOLD)
    .map(({ index, score }) => ({
      measure,
      series,
      period: labels[index] as string,
      value: round(values[index] as number),
      expected: round(fitted[index] as number),
      score: round(score),
      method: 'forecast residual' as const
    }))
}

export interface PeerSeries { name: string, values: ArrayLike<number> }

export function peerAnomalies (measure: string, labels: readonly string[], groups: readonly PeerSeries[]): Anomaly[] {
  const usable = groups.filter(group => average(group.values) > 0)
  if (usable.length < 3 || labels.length < 3) return []
  const levels = usable.map(group => average(group.values))
  const scaled = usable.map((group, g) => Float64Array.from(group.values, value => (Number.isNaN(value) ? 1 : value / (levels[g] as number))))
  loadAugurs('outlier')
  const detector = OutlierDetector.dbscan({ sensitivity: 0.5 })
  let output
  try {
    output = detector.detect(scaled)
  } finally {
    detector.free()
  }
  const anomalies: Anomaly[] = []
  output.seriesResults.forEach((result, g) => {
    for (const interval of result.outlierIntervals) {
      for (let i = interval.start; i < (interval.end ?? labels.length); i++) {
        const column = scaled.map(series => series[i] as number)
        const centre = median(column)
        const spread = Math.max(MAD_TO_SD * medianAbsoluteDeviation(column), 0.02)
        const level = levels[g] as number
        anomalies.push({
          measure,
          series: (usable[g] as PeerSeries).name,
          period: labels[i] as string,
          value: round((usable[g] as PeerSeries).values[i] as number),
          expected: round(centre * level),
          score: round(Math.abs((scaled[g] as Float64Array)[i] as number - centre) / spread),
          method: 'peer outlier'
        })
      }
    }
  })
  return anomalies
}

function average (values: ArrayLike<number>): number {
  let total = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!Number.isNaN(value)) { total += value; count++ }
  }
  return count === 0 ? 0 : total / count
}

const round = (value: number) => Math.round(value * 100) / 100
