/**
 * Which column plays which part: the date, a region-like and a department-like grouping, and
 * the measures (numeric columns that are money or quantities). Decided from header names and a
 * sample of values; identifiers (row ids, order numbers, postal codes) and date parts (`Year`,
 * `Month Number`) are numeric but never measures. Form fields override every decision.
 */
import { JobFailure } from '../../errors.ts'
import type { ReportOptions } from './options.ts'
import { dateShape, normalizeDateToken } from './parse-date.ts'
import { classifyMeasure, isAveraged, KIND_RANK, type MeasureKind } from './measure-kinds.ts'
import { isPercentCell, parseNumber, type DecimalSeparator } from './parse-number.ts'

export interface MeasureRole {
  index: number
  name: string
  /** Money and quantities add up per period; prices, rates and percents are averaged. */
  aggregation: 'sum' | 'mean'
  /** What the column measures (set by detection; ranks the measures). */
  kind?: MeasureKind
  /** For averaged measures: the quantity column each row's value is weighted by. */
  weight?: { index: number, name: string }
}

export interface ColumnRoles {
  date: number
  region: number | null
  department: number | null
  measures: MeasureRole[]
  /** Why some candidates were left out, for the warnings list. */
  notes: string[]
}

export const MAX_MEASURES = 6

const DATE_NAME = /date|day|time|period|month|week|datum|fecha|jour|posted|booked|when/i
const REGION_NAMES = ['region', 'country', 'state', 'province', 'territory', 'market', 'area', 'zone', 'county', 'district', 'city', 'location', 'geo', 'branch', 'store', 'site', 'office', 'land', 'bundesland', 'gebiet', 'pays', 'país', 'filiale']
const DEPARTMENT_NAMES = ['department', 'dept', 'category', 'segment', 'division', 'team', 'cost center', 'cost centre', 'costcenter', 'product line', 'business unit', 'line of business', 'channel', 'function', 'abteilung', 'kostenstelle', 'bereich', 'sparte', 'kategorie', 'catégorie', 'categoría', 'departamento', 'product', 'unit', 'group']
const IDENTIFIER = /(^|[\s_.-])(id|ids|no|nr|num|number|code|zip|zipcode|postal|postcode|plz|phone|sku|ean|upc|isbn|key|index|ref|#)\.?$|^#|[a-z]Id$/i
const DATE_PART = /(^|[\s_-])(year|yr|fy|month|mon|quarter|qtr|week|wk|day|weekday|hour|period)s?([\s_-]|$)/i
const MONEY_OR_QUANTITY = /sales|revenue|amount|cost|cogs|price|profit|margin|income|expense|spend|budget|turnover|value|total|qty|quantity|units|volume|count|orders|net|gross|tax|fee|balance|discount|umsatz|betrag|kosten|menge/i
const COORDINATE = /^(lat|latitude|lon|lng|long|longitude)$/i

interface Profile { nonEmpty: number, dates: number, numbers: number, percents: number, leadingZeros: number, integers: number, distinct: Set<string>, increasing: boolean, largest: number }

function profile (rows: readonly string[][], index: number, decimal: DecimalSeparator): Profile {
  const result: Profile = { nonEmpty: 0, dates: 0, numbers: 0, percents: 0, leadingZeros: 0, integers: 0, distinct: new Set(), increasing: true, largest: 0 }
  let previous = Number.NEGATIVE_INFINITY
  for (const row of rows) {
    const cell = row[index]?.trim() ?? ''
    if (cell === '') continue
    result.nonEmpty++
    if (result.distinct.size < 2000) result.distinct.add(cell)
    if (dateShape(normalizeDateToken(cell))) result.dates++
    const value = parseNumber(cell, decimal)
    if (value !== null && !Number.isNaN(value)) {
      result.numbers++
      if (Number.isInteger(value)) result.integers++
      result.largest = Math.max(result.largest, Math.abs(value))
      if (value <= previous) result.increasing = false
      previous = value
    }
    if (isPercentCell(cell)) result.percents++
    if (/^0\d/.test(cell)) result.leadingZeros++
  }
  return result
}

const share = (count: number, profile: Profile) => (profile.nonEmpty === 0 ? 0 : count / profile.nonEmpty)

function measureRole (index: number, name: string, p: Profile | undefined): MeasureRole {
  const kind = classifyMeasure(name, { percentShare: p ? share(p.percents, p) : 0, allFractions: !!p && p.numbers > 0 && p.largest <= 1 })
  return { index, name, aggregation: isAveraged(kind) ? 'mean' : 'sum', kind }
}

function findColumn (header: readonly string[], name: string, field: string): number {
  const index = header.findIndex(column => column.toLowerCase() === name.toLowerCase())
  if (index < 0) {
    throw new JobFailure('unknown_column', `The form field ${field} names "${name}", which is not a column of this file. Its columns are: ${header.join(', ')}.`, { field })
  }
  return index
}

function bestByName (header: readonly string[], names: readonly string[], usable: (index: number) => boolean): number | null {
  let best: { index: number, rank: number } | null = null
  header.forEach((column, index) => {
    if (!usable(index)) return
    const lower = column.toLowerCase()
    const rank = names.findIndex(name => lower === name || new RegExp(`(^|[\\s_-])${name}`).test(lower))
    if (rank >= 0 && (!best || rank < best.rank)) best = { index, rank }
  })
  return (best as { index: number } | null)?.index ?? null
}

export function detectRoles (header: readonly string[], sample: readonly string[][], decimal: DecimalSeparator, options: ReportOptions): ColumnRoles {
  const profiles = header.map((_, index) => profile(sample, index, decimal))
  const notes: string[] = []
  const isText = (index: number) => {
    const p = profiles[index]
    return !!p && p.nonEmpty > 0 && share(p.numbers, p) < 0.5 && share(p.dates, p) < 0.5
  }

  let date: number | undefined
  if (options.dateColumn) date = findColumn(header, options.dateColumn, 'dateColumn')
  else {
    const candidates = header.map((_, index) => index).filter(index => share(profiles[index]?.dates ?? 0, profiles[index] ?? profiles[0]!) >= 0.8)
    date = candidates.find(index => DATE_NAME.test(header[index] ?? '')) ?? candidates[0]
  }
  if (date === undefined) {
    throw new JobFailure('no_date_column', `No column of dates was found among: ${header.join(', ')}. Add a column of dates (such as 2024-03-15 or 15/03/2024), or name the date column in the form field dateColumn.`)
  }

  const groupColumn = (field: 'regionColumn' | 'departmentColumn', names: readonly string[], taken: number[]) => {
    const chosen = options[field]
    if (chosen === null) return null
    if (chosen !== undefined) return findColumn(header, chosen, field)
    return bestByName(header, names, index => !taken.includes(index) && isText(index))
  }
  const region = groupColumn('regionColumn', REGION_NAMES, [date])
  const department = groupColumn('departmentColumn', DEPARTMENT_NAMES, [date, ...(region === null ? [] : [region])])

  const grouping = [date, region, department]
  let measures: MeasureRole[]
  if (options.measures) {
    measures = options.measures.map(name => {
      const index = findColumn(header, name, 'measures')
      return measureRole(index, header[index] ?? name, profiles[index])
    })
  } else {
    measures = []
    header.forEach((name, index) => {
      const p = profiles[index]
      if (!p || grouping.includes(index) || p.nonEmpty === 0 || share(p.numbers, p) < 0.9) return
      const moneyName = MONEY_OR_QUANTITY.test(name)
      if (IDENTIFIER.test(name) || COORDINATE.test(name) || p.leadingZeros > 0) {
        notes.push(`"${name}" looks like an identifier or code, not a quantity, so it is not analysed.`)
        return
      }
      if (DATE_PART.test(name) && !moneyName) {
        notes.push(`"${name}" looks like part of a date, not a quantity, so it is not analysed.`)
        return
      }
      if (!moneyName && p.increasing && p.integers === p.numbers && p.distinct.size === p.nonEmpty && p.nonEmpty > 10) {
        notes.push(`"${name}" counts up by row like a row number, so it is not analysed.`)
        return
      }
      measures.push(measureRole(index, name, p))
    })
    // Money totals first, then counts, then prices and rates (file order within each), so the
    // cap below drops unit prices before it could drop Profit or COGS.
    measures.sort((a, b) => KIND_RANK[a.kind ?? 'other'] - KIND_RANK[b.kind ?? 'other'])
    if (measures.length > MAX_MEASURES) {
      const dropped = measures.slice(MAX_MEASURES)
      measures = measures.slice(0, MAX_MEASURES)
      notes.push(`Only ${MAX_MEASURES} measures are analysed; left out: ${dropped.map(m => m.name).join(', ')}. Choose others with the form field measures.`)
    }
  }
  const quantity = quantityColumn(header, profiles, grouping)
  for (const measure of measures) if (measure.aggregation === 'mean' && quantity && quantity.index !== measure.index) measure.weight = quantity
  if (measures.length === 0) {
    throw new JobFailure('no_measure_column', `No numeric column of amounts or quantities was found among: ${header.join(', ')}. The file needs at least one column of numbers (such as Sales or Units), or name them in the form field measures.`)
  }
  return { date, region, department, measures, notes }
}

/** The file's first mostly-numeric count column (Units Sold, Quantity): what averages are weighted by. */
function quantityColumn (header: readonly string[], profiles: readonly Profile[], grouping: ReadonlyArray<number | null>): { index: number, name: string } | null {
  const index = header.findIndex((name, i) => {
    const p = profiles[i]
    return !!p && !grouping.includes(i) && p.nonEmpty > 0 && share(p.numbers, p) >= 0.9 && classifyMeasure(name, { percentShare: share(p.percents, p), allFractions: false }) === 'count'
  })
  return index < 0 ? null : { index, name: header[index] as string }
}
