/**
 * The headline numbers a finance reader looks for first: totals, the latest period against the
 * one before and against the same period a year earlier, the margin when the file has revenue-
 * and cost- (or profit-) like columns, the next horizon's forecast, and the best and worst
 * groups by total and by growth over the last year.
 */
import { sampleCorrelation } from 'simple-statistics'
import type { Forecast } from './forecast.ts'
import { PERIODS_PER_YEAR, type Period } from './periods.ts'
import type { GroupSeries, SeriesSet } from './series.ts'

export interface MeasureKpis {
  total: number
  lastPeriod: { period: string, value: number } | null
  periodOverPeriod: number | null
  yearOverYear: number | null
  forecastNext: { periods: number, total: number } | null
}

export interface GroupRanking { name: string, total: number, growth: number | null }

export interface Kpis {
  measures: Record<string, MeasureKpis>
  margin: { revenue: string, basis: string, value: number } | null
  regions: Rankings | null
  departments: Rankings | null
}

interface Rankings { measure: string, best: GroupRanking, worst: GroupRanking, fastestGrowing: GroupRanking | null, slowestGrowing: GroupRanking | null }

const REVENUE = /revenue|sales|turnover|income|umsatz|erlös/i
const COST = /cost|cogs|expense|spend|kosten|aufwand/i
const PROFIT = /profit|earnings|gewinn|ebit|net income/i

export function computeKpis (series: SeriesSet, totals: Record<string, number>, overall: Record<string, Forecast>): Kpis {
  const perYear = PERIODS_PER_YEAR[series.period]
  const measures: Record<string, MeasureKpis> = {}
  series.measures.forEach((measure, m) => {
    const values = series.overall[m] as Float64Array
    const lastIndex = lastKnown(values)
    const last = lastIndex < 0 ? null : values[lastIndex] as number
    const forecast = overall[measure.name]?.forecast ?? []
    measures[measure.name] = {
      total: round(totals[measure.name] ?? 0),
      lastPeriod: lastIndex < 0 || last === null ? null : { period: series.labels[lastIndex] as string, value: round(last) },
      periodOverPeriod: growth(last, values[lastIndex - 1]),
      yearOverYear: growth(last, values[lastIndex - perYear]),
      forecastNext: forecast.length > 0 ? { periods: forecast.length, total: round(forecast.reduce((sum, point) => sum + point.value, 0)) } : null
    }
  })
  return {
    measures,
    margin: margin(series.measures.map(measure => measure.name), totals),
    regions: rank(series.regions, series.measures[0]?.name ?? '', series.period),
    departments: rank(series.departments, series.measures[0]?.name ?? '', series.period)
  }
}

function margin (names: readonly string[], totals: Record<string, number>): Kpis['margin'] {
  // Margin is taken on net sales: "Sales" rather than "Gross Sales" when a file has both.
  const revenues = names.filter(name => REVENUE.test(name))
  const revenue = revenues.find(name => !/gross/i.test(name)) ?? revenues[0]
  if (!revenue || !totals[revenue]) return null
  const profit = names.find(name => PROFIT.test(name) && name !== revenue)
  if (profit) return { revenue, basis: `${profit} ÷ ${revenue}`, value: round4((totals[profit] ?? 0) / (totals[revenue] as number)) }
  const cost = names.find(name => COST.test(name) && name !== revenue)
  if (cost) return { revenue, basis: `(${revenue} − ${cost}) ÷ ${revenue}`, value: round4(((totals[revenue] as number) - (totals[cost] ?? 0)) / (totals[revenue] as number)) }
  return null
}

function rank (groups: readonly GroupSeries[], measure: string, period: Period): Rankings | null {
  const named = groups.filter(group => group.combines === undefined)
  if (named.length < 2) return null
  const perYear = PERIODS_PER_YEAR[period]
  const rankings: GroupRanking[] = named.map(group => {
    const values = group.values[0] as Float64Array
    const recent = sumRange(values, values.length - perYear, values.length)
    const before = sumRange(values, values.length - 2 * perYear, values.length - perYear)
    return { name: group.name, total: round(group.total[0] ?? 0), growth: values.length >= 2 * perYear ? growth(recent, before) : null }
  })
  const byTotal = [...rankings].sort((a, b) => b.total - a.total)
  const byGrowth = rankings.filter(item => item.growth !== null).sort((a, b) => (b.growth as number) - (a.growth as number))
  return {
    measure,
    best: byTotal[0] as GroupRanking,
    worst: byTotal[byTotal.length - 1] as GroupRanking,
    fastestGrowing: byGrowth[0] ?? null,
    slowestGrowing: byGrowth.length > 1 ? byGrowth[byGrowth.length - 1] as GroupRanking : null
  }
}

export interface Correlation { a: string, b: string, r: number, periods: number }

/** Pearson correlation of each pair of measures over the periods where both have values. */
export function correlate (series: SeriesSet): Correlation[] {
  const pairs: Correlation[] = []
  series.measures.forEach((a, i) => series.measures.forEach((b, j) => {
    if (j <= i) return
    const x: number[] = []
    const y: number[] = []
    const left = series.overall[i] as Float64Array
    const right = series.overall[j] as Float64Array
    for (let t = 0; t < left.length; t++) {
      if (!Number.isNaN(left[t]) && !Number.isNaN(right[t])) { x.push(left[t] as number); y.push(right[t] as number) }
    }
    if (x.length < 3) return
    const r = sampleCorrelation(x, y)
    if (Number.isFinite(r)) pairs.push({ a: a.name, b: b.name, r: round4(r), periods: x.length })
  }))
  return pairs
}

function lastKnown (values: Float64Array): number {
  for (let i = values.length - 1; i >= 0; i--) if (!Number.isNaN(values[i])) return i
  return -1
}

function sumRange (values: Float64Array, from: number, to: number): number | null {
  if (from < 0) return null
  let total = 0
  for (let i = from; i < to; i++) if (!Number.isNaN(values[i])) total += values[i] as number
  return total
}

/** Relative change, or null when the base is missing or zero. */
function growth (current: number | null | undefined, base: number | null | undefined): number | null {
  if (current === null || current === undefined || base === null || base === undefined || Number.isNaN(current) || Number.isNaN(base) || base === 0) return null
  return round4((current - base) / Math.abs(base))
}

const round = (value: number) => Math.round(value * 100) / 100
const round4 = (value: number) => Math.round(value * 10000) / 10000
