import { describe, expect, it } from 'vitest'
import { JobFailure } from '../../errors.ts'
import { checkColumnCount, MAX_COLUMNS } from './column-limit.ts'
import { describeSample } from './sniff.ts'

const failureOf = (action: () => void): JobFailure => {
  try {
    action()
  } catch (error) {
    if (error instanceof JobFailure) return error
    throw error
  }
  throw new Error('no failure')
}

describe('the report column limit', () => {
  it('passes an ordinary file, and one at the limit', () => {
    expect(() => checkColumnCount(describeSample(Buffer.from('date,revenue\n2024-01-01,1\n'), 25))).not.toThrow()
    const header = Array.from({ length: MAX_COLUMNS }, (_, i) => `c${i}`).join(',')
    const text = `${header}\n${header}\n`
    expect(() => checkColumnCount(describeSample(Buffer.from(text), text.length))).not.toThrow()
  })

  it('names the count, the limit and the fix for a wide file that fits the sample', () => {
    const header = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')
    const text = `${header}\n${header}\n`
    const failure = failureOf(() => checkColumnCount(describeSample(Buffer.from(text), text.length)))
    expect(failure.code).toBe('too_many_columns')
    expect(failure.message).toMatch(/5,000 columns; a report reads at most 1,000\. .*turn those columns into rows/)
  })

  it('says "too many columns", not "no rows", when the header does not even fit the sample (100,000 columns)', () => {
    const header = Array.from({ length: 100_000 }, (_, i) => `column${i}`).join(',')
    const sample = Buffer.from(header).subarray(0, 256 * 1024)
    const failure = failureOf(() => checkColumnCount(describeSample(sample, header.length * 21)))
    expect(failure.code).toBe('too_many_columns')
    expect(failure.message).toMatch(/at least [\d,]+ columns \(the header line alone is longer/)
  })

  it('says which row is too long when a narrow header is followed by a huge first row', () => {
    const text = `date,revenue\n2024-01-01,${'9'.repeat(300 * 1024)}\n`
    const failure = failureOf(() => checkColumnCount(describeSample(Buffer.from(text).subarray(0, 256 * 1024), text.length)))
    expect(failure).toMatchObject({ code: 'row_too_long', location: { row: 2 } })
  })
})
