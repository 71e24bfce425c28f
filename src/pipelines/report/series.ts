/**
 * Rolls the per-date sums up into one series per period for the whole file, each region and
 * each department. Keeps the largest groups (by their total of the first measure) and folds the
 * rest into "Other"; drops a partial first or last period (a month with a week of data would look
 * like a collapse); marks periods with no rows at all as missing rather than zero.
 */
import type { AggregateData, GroupTotalsData } from './aggregate-data.ts'
import { OVERFLOW_GROUP } from './group-totals.ts'
import { choosePeriod, periodDays, periodIndex, periodLabel, type Period } from './periods.ts'
import type { MeasureRole } from './roles.ts'
import type { WarningLog } from './warnings.ts'

export interface GroupSeries {
  name: string
  /** One value per period and measure; NaN where there is no value. */
  values: Float64Array[]
  total: number[]
  /** For "Other": how many groups it combines. */
  combines?: number
}

export interface SeriesSet {
  period: Period
  /** Period index (see periods.ts) of the first point. */
  firstIndex: number
  labels: string[]
  measures: MeasureRole[]
  overall: Float64Array[]
  regions: GroupSeries[]
  departments: GroupSeries[]
  firstDay: number
  lastDay: number
}

export interface BuildSeriesInput {
  data: AggregateData
  days: Float64Array
  measures: MeasureRole[]
  period?: Period
  maxGroups: number
  warnings: WarningLog
}

export function buildSeries ({ data, days, measures, period: requested, maxGroups, warnings }: BuildSeriesInput): SeriesSet {
  const valid = [...new Set(Array.from(days).filter(day => !Number.isNaN(day)))].sort((a, b) => a - b)
  const period = requested ?? choosePeriod(valid)
  const firstDay = valid[0] ?? 0
  const lastDay = valid[valid.length - 1] ?? 0
  let first = periodIndex(period, firstDay)
  let last = periodIndex(period, lastDay)
  const tolerance = Math.max(3, medianGap(valid))
  if (period !== 'day' && last - first >= 3) {
    if (firstDay - periodDays(period, first)[0] > tolerance) {
      warnings.add({ code: 'partial_period', message: `The data starts on ${isoLabel(firstDay)}, partway through ${periodLabel(period, first)}; that incomplete period is left out of the forecasts.` })
      first++
    }
    if (periodDays(period, last)[1] - lastDay > tolerance) {
      warnings.add({ code: 'partial_period', message: `The data ends on ${isoLabel(lastDay)}, partway through ${periodLabel(period, last)}; that incomplete period is left out of the forecasts.` })
      last--
    }
  }
  const length = last - first + 1
  const slotOf = Int32Array.from(days, day => (Number.isNaN(day) ? -1 : periodIndex(period, day) - first))
  const measureCount = measures.length

  const rollUp = (sums: Float64Array, counts: Float64Array | null, emptyAsZero: boolean): Float64Array[] => measures.map((measure, m) => {
    const values = new Float64Array(length).fill(emptyAsZero && measure.aggregation === 'sum' ? 0 : Number.NaN)
    const seen = new Float64Array(length)
    for (let token = 0; token < slotOf.length; token++) {
      const slot = slotOf[token] as number
      if (slot < 0 || slot >= length) continue
      const offset = token * measureCount + m
      const count = counts ? counts[offset] ?? 0 : 1
      if (count === 0 || offset >= sums.length) continue
      values[slot] = (seen[slot] === 0 ? 0 : values[slot] as number) + (sums[offset] ?? 0)
      seen[slot]! += counts ? count : 1
    }
    if (measure.aggregation === 'mean' && counts) for (let i = 0; i < length; i++) if (seen[i]! > 0) values[i]! /= seen[i] as number
    return values
  })

  const overall = rollUp(data.sums, data.counts, false)
  const missing: string[] = []
  for (let i = 0; i < length; i++) if (overall.every(values => Number.isNaN(values[i]))) missing.push(periodLabel(period, first + i))
  if (missing.length > 0) {
    warnings.add({ code: 'missing_periods', message: `No rows fall in ${missing.length} period${missing.length === 1 ? '' : 's'} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); forecasts fill them by interpolation.` })
  }
  const groups = (totals: GroupTotalsData | null, column: string) => (totals ? pickGroups(totals, column, rollUp, maxGroups, warnings) : [])
  return {
    period,
    firstIndex: first,
    labels: Array.from({ length }, (_, i) => periodLabel(period, first + i)),
    measures,
    overall,
    regions: groups(data.regions, 'region'),
    departments: groups(data.departments, 'department'),
    firstDay,
    lastDay
  }
}

type RollUp = (sums: Float64Array, counts: Float64Array | null, emptyAsZero: boolean) => Float64Array[]

function pickGroups (totals: GroupTotalsData, column: string, rollUp: RollUp, maxGroups: number, warnings: WarningLog): GroupSeries[] {
  const all = totals.names.map((name, slot) => {
    const values = rollUp(totals.sums[slot] as Float64Array, totals.counts?.[slot] ?? null, true)
    return { name, slot, values, total: values.map(series => sumOf(series)) }
  })
  const named = all.filter(group => group.name !== OVERFLOW_GROUP).sort((a, b) => Math.abs(b.total[0] ?? 0) - Math.abs(a.total[0] ?? 0))
  if (totals.overflowRows > 0) {
    warnings.add({ code: 'too_many_groups', message: `The ${column} column has more than ${totals.names.length - 1} distinct values; values first seen after those were combined into "Other".` })
  }
  const kept: GroupSeries[] = named.slice(0, maxGroups).map(({ slot: _slot, ...group }) => group)
  const rest = [...named.slice(maxGroups), ...all.filter(group => group.name === OVERFLOW_GROUP)]
  if (rest.length === 0) return kept
  // Rolled up from the groups' summed sums and counts, so averaged measures stay averages.
  const add = (arrays: readonly Float64Array[]) => {
    const combined = new Float64Array(arrays[0]?.length ?? 0)
    for (const array of arrays) array.forEach((value, i) => { combined[i]! += value })
    return combined
  }
  const counts = totals.counts
  const values = rollUp(add(rest.map(group => totals.sums[group.slot] as Float64Array)), counts ? add(rest.map(group => counts[group.slot] as Float64Array)) : null, true)
  const name = kept.some(group => group.name === 'Other') ? 'Other (combined)' : 'Other'
  kept.push({ name, values, total: values.map(series => sumOf(series)), combines: named.length - kept.length + (totals.overflowRows > 0 ? 1 : 0) })
  return kept
}

function sumOf (values: Float64Array): number {
  let total = 0
  for (const value of values) if (!Number.isNaN(value)) total += value
  return total
}

function medianGap (sortedDays: readonly number[]): number {
  const gaps: number[] = []
  for (let i = 1; i < sortedDays.length; i++) gaps.push((sortedDays[i] ?? 0) - (sortedDays[i - 1] ?? 0))
  gaps.sort((a, b) => a - b)
  return gaps[Math.floor(gaps.length / 2)] ?? 1
}

const isoLabel = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10)
