import { describe, expect, it } from 'vitest'
import { boxCox, guerreroLambda, invBoxCox } from './boxcox.ts'
import { AIR_PASSENGERS, UK_GAS } from './r-series.test-data.ts'

describe('Box-Cox', () => {
  it('chooses λ as R does (BoxCox.lambda(x, lower = 0, upper = 1), Guerrero)', () => {
    // R gives 6.6e-05 for both: the log, at the range's edge.
    expect(guerreroLambda(AIR_PASSENGERS, 12)).toBeLessThan(0.001)
    expect(guerreroLambda(UK_GAS, 4)).toBeLessThan(0.001)
  })

  it('chooses no transformation when the spread does not grow with the level', () => {
    const flat = Array.from({ length: 48 }, (_, i) => 100 + 10 * i + 20 * Math.sin((2 * Math.PI * i) / 12))
    expect(guerreroLambda(flat, 12)).toBeGreaterThan(0.9)
  })

  it('round-trips, and refuses series that are not positive', () => {
    for (const lambda of [0, 0.25, 1]) expect(invBoxCox(boxCox(123.4, lambda), lambda)).toBeCloseTo(123.4, 9)
    expect(guerreroLambda([1, 2, 0, 4, 5, 6, 7, 8], 4)).toBeNull()
  })
})
