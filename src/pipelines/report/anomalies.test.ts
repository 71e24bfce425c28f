import { describe, expect, it } from 'vitest'
import { peerAnomalies, residualAnomalies } from './anomalies.ts'
import { detectChangePoints } from './changepoints.ts'

const labels = Array.from({ length: 36 }, (_, i) => `2022-${String(i + 1).padStart(2, '0')}`)
const wobble = (i: number) => Math.sin(i * 1.7) * 3

describe('anomalies', () => {
  it('flags a period far from the fitted values', () => {
    const fitted = labels.map((_, i) => 100 + i)
    const values = fitted.map((value, i) => value + wobble(i) + (i === 20 ? 60 : 0))
    const found = residualAnomalies('Sales', 'Overall', labels, values, fitted)
    expect(found.map(item => item.period)).toEqual([labels[20]])
    expect(found[0]).toMatchObject({ measure: 'Sales', series: 'Overall', expected: 120, method: 'forecast residual' })
  })

  it('flags a group that broke away from its peers', () => {
    const groups = ['Nord', 'Süd', 'West', 'Ost', '東京'].map((name, g) => ({
      name,
      values: labels.map((_, i) => (100 + 20 * Math.sin(i / 2)) * (1 + g * 0.5) * (1 + wobble(i + g) / 100) * (name === 'West' && i === 12 ? 1.9 : 1))
    }))
    const found = peerAnomalies('Sales', labels, groups)
    expect(found.some(item => item.series === 'West' && item.period === labels[12])).toBe(true)
    expect(found.every(item => item.series === 'West')).toBe(true)
  })
})

describe('detectChangePoints', () => {
  it('finds a lasting shift in level', () => {
    const values = labels.map((_, i) => (i < 18 ? 100 : 160) + wobble(i))
    const found = detectChangePoints('Sales', 'Overall', labels, values, 12)
    expect(found).toHaveLength(1)
    expect(Math.abs(labels.indexOf(found[0]?.period ?? '') - 18)).toBeLessThanOrEqual(1)
    expect(found[0]?.after).toBeGreaterThan(found[0]?.before ?? Infinity)
  })
})
