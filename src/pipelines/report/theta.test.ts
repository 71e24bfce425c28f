import { describe, expect, it } from 'vitest'
import { AIR_PASSENGERS, AUSTRES, UK_GAS } from './r-series.test-data.ts'
import { fitSes, theta } from './theta.ts'

/** Reference values: R 4.x, forecast 8.20, `thetaf(x, h)$mean` and `$upper[, "95%"]`. */
describe('theta (as forecast::thetaf)', () => {
  it('matches R on AirPassengers (monthly, multiplicative season)', () => {
    const result = theta(AIR_PASSENGERS, 6, 12)
    expect(result.seasonal).toBe(true)
    const expected = [440.0781911, 428.3842806, 489.7070987, 475.7046277, 479.6703887, 545.3662722]
    result.point.forEach((value, h) => expect(value).toBeCloseTo(expected[h] as number, 0))
    const upper = [461.1596636, 455.8859366, 522.3912491, 512.8552171, 520.8052753, 590.1322358]
    result.point.forEach((value, h) => expect(value + 1.959963984540054 * (result.sd[h] as number)).toBeCloseTo(upper[h] as number, 0))
  })

  it('matches R on austres (quarterly, starting mid-year, no season found)', () => {
    const result = theta(AUSTRES, 4, 4)
    const expected = [17684.83364, 17715.49844, 17745.55592, 17766.19995]
    result.point.forEach((value, h) => expect(Math.abs(value - (expected[h] as number))).toBeLessThan(0.5))
  })

  it('matches R on UKgas (quarterly, strong season)', () => {
    const result = theta(UK_GAS, 4, 4)
    const expected = [999.7439171, 660.097642, 387.1894672, 718.360743]
    result.point.forEach((value, h) => expect(Math.abs(value - (expected[h] as number)) / (expected[h] as number)).toBeLessThan(0.002))
  })

  it('fits simple exponential smoothing by least squares (a random walk gets α near 1, a constant near 0)', () => {
    expect(fitSes([1, 5, 2, 8, 3, 9, 4, 10]).alpha).toBeLessThan(0.2)
    expect(fitSes([1, 2, 3, 4, 5, 6, 7, 8]).alpha).toBeGreaterThan(0.99)
    expect(fitSes([1, 2, 3, 4, 5, 6, 7, 8]).level).toBeCloseTo(8, 1)
  })
})
