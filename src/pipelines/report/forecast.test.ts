import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../samples/generate-sales.ts'
import { forecastSeries } from './forecast.ts'

const random = seededRandom(7)
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())
const labels = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`)

/** Trend + yearly season + noise: a model that sees the trend must beat seasonal naive. */
const seasonalWithTrend = (n: number) => Array.from({ length: n }, (_, i) => 1000 + 12 * i + 200 * Math.sin((2 * Math.PI * i) / 12) + 30 * gauss())

describe('forecastSeries', () => {
  it('beats seasonal naive on trending seasonal data, with intervals near their stated 95% coverage', () => {
    let wins = 0
    let covered = 0
    let scored = 0
    for (let s = 0; s < 40; s++) {
      const { forecast } = forecastSeries({ values: seasonalWithTrend(48), labels: labels(48), futureLabels: labels(12), season: 12 })
      expect(forecast.model).toMatch(/MSTL/)
      const accuracy = forecast.accuracy
      if (!accuracy) throw new Error('a 48-month series must be backtested')
      expect(accuracy.holdout).toBe(24)
      if ((accuracy.mase ?? Infinity) < (accuracy.baselineMase ?? 0)) wins++
      covered += (accuracy.coverage ?? 0) * accuracy.holdout
      scored += accuracy.holdout
    }
    expect(wins).toBeGreaterThanOrEqual(36)
    expect(covered / scored).toBeGreaterThan(0.88)
    expect(covered / scored).toBeLessThanOrEqual(1)
  })

  it('returns a forecast per future period with lower ≤ value ≤ upper', () => {
    const { forecast } = forecastSeries({ values: seasonalWithTrend(36), labels: labels(36), futureLabels: ['2025-01', '2025-02', '2025-03'], season: 12 })
    expect(forecast.forecast.map(point => point.period)).toEqual(['2025-01', '2025-02', '2025-03'])
    for (const point of forecast.forecast) {
      expect(point.lower).toBeLessThanOrEqual(point.value)
      expect(point.upper).toBeGreaterThanOrEqual(point.value)
    }
    expect(forecast.history).toHaveLength(36)
  })

  it('publishes the seasonal-naive baseline, and says so, when the model loses on the hold-out', () => {
    // A pure seasonal random walk: repeating last year is the best forecast there is.
    let published = 0
    for (let s = 0; s < 20; s++) {
      const y: number[] = Array.from({ length: 12 }, () => 500 + 300 * random())
      for (let i = 12; i < 40; i++) y.push((y[i - 12] as number) + 40 * gauss())
      const { forecast } = forecastSeries({ values: y, labels: labels(40), futureLabels: labels(6), season: 12 })
      if (!forecast.model.startsWith('Seasonal naive')) continue
      published++
      expect(forecast.notes.join(' ')).toMatch(/less accurate than the seasonal naive/)
      expect(forecast.accuracy?.mase).toBe(forecast.accuracy?.baselineMase)
    }
    expect(published).toBeGreaterThan(0)
  })

  it('still forecasts a history shorter than two seasons, with a simpler model that is labelled', () => {
    const { forecast } = forecastSeries({ values: seasonalWithTrend(15), labels: labels(15), futureLabels: labels(6), season: 12 })
    expect(forecast.model).toMatch(/AutoETS \(non-seasonal\)|naive/i)
    expect(forecast.notes.join(' ')).toMatch(/shorter than two seasons/)
    expect(forecast.forecast).toHaveLength(6)
  })

  it('fills missing periods instead of failing', () => {
    const y = seasonalWithTrend(36)
    y[10] = Number.NaN
    const { forecast } = forecastSeries({ values: y, labels: labels(36), futureLabels: labels(3), season: 12 })
    expect(forecast.history[10]?.value).toBeNull()
    expect(forecast.forecast.every(point => Number.isFinite(point.value))).toBe(true)
  })

  it('keeps non-negative series non-negative', () => {
    const y = Array.from({ length: 30 }, (_, i) => (i % 12 === 0 ? 50 : 1) * random())
    const { forecast } = forecastSeries({ values: y, labels: labels(30), futureLabels: labels(12), season: 12 })
    expect(forecast.forecast.every(point => point.lower >= 0 && point.value >= 0)).toBe(true)
  })
})
