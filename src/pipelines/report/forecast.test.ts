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
      const accuracy = forecast.accuracy
      if (!accuracy) throw new Error('a 48-month series must be backtested')
      // Rolling origins 6 months apart, each forecasting up to 12 months, down to 24 months of training.
      expect(accuracy.folds).toBe(4)
      expect(accuracy.holdout).toBe(6 + 12 * 3)
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

  it('publishes what the backtest favours: seasonal naive joins the average on a seasonal random walk', () => {
    // A pure seasonal random walk: repeating last year is the best forecast there is.
    let chosen = 0
    for (let s = 0; s < 20; s++) {
      const y: number[] = Array.from({ length: 12 }, () => 500 + 300 * random())
      for (let i = 12; i < 60; i++) y.push((y[i - 12] as number) + 40 * gauss())
      const { forecast } = forecastSeries({ values: y, labels: labels(60), futureLabels: labels(6), season: 12 })
      expect(forecast.model).toMatch(/^Average of .+ and .+$/)
      if (forecast.model.includes('Seasonal naive')) chosen++
    }
    expect(chosen).toBeGreaterThanOrEqual(10)
  })

  it('says "insufficient history" instead of a noisy accuracy when too little can be held out', () => {
    const { forecast } = forecastSeries({ values: seasonalWithTrend(26), labels: labels(26), futureLabels: labels(12), season: 12 })
    expect(forecast.accuracy).toBeNull()
    expect(forecast.notes.join(' ')).toMatch(/Insufficient history to measure accuracy/)
    expect(forecast.forecast).toHaveLength(12)
  })

  it('calibrates every step of a horizon longer than a season (quarterly, 8 ahead)', () => {
    let inside = 0
    let total = 0
    for (let s = 0; s < 30; s++) {
      const y = Array.from({ length: 48 }, (_, i) => 1000 + 15 * i + 150 * Math.sin((2 * Math.PI * i) / 4) + 40 * gauss())
      const future = Array.from({ length: 8 }, (_, h) => 1000 + 15 * (48 + h) + 150 * Math.sin((2 * Math.PI * (48 + h)) / 4) + 40 * gauss())
      const { forecast } = forecastSeries({ values: y, labels: labels(48), futureLabels: labels(8), season: 4 })
      forecast.forecast.forEach((point, h) => {
        total++
        if ((future[h] as number) >= point.lower && (future[h] as number) <= point.upper) inside++
      })
    }
    expect(inside / total).toBeGreaterThan(0.88)
  })

  it('still forecasts a history shorter than two seasons, with a simpler model that is labelled', () => {
    const { forecast } = forecastSeries({ values: seasonalWithTrend(15), labels: labels(15), futureLabels: labels(6), season: 12 })
    expect(forecast.model).toMatch(/AutoETS \(non-seasonal\)|Theta|naive/i)
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
