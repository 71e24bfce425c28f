/**
 * What a numeric column measures, from its header and sample values, so the report analyses what
 * a finance reader needs first and adds up only what can be added up: money totals (revenue,
 * cost, profit, other money) before counts, counts before unit prices and rates. Prices, rates,
 * percentages and fractional discounts are averaged per period — weighted by the file's quantity
 * column when it has one (a price weighted by units sold is the price actually paid) — never
 * summed: a sum of unit prices means nothing.
 */

export type MeasureKind = 'revenue' | 'cost' | 'profit' | 'money' | 'count' | 'price' | 'rate' | 'other'

/** Analysis order: lower first. */
export const KIND_RANK: Record<MeasureKind, number> = { revenue: 0, cost: 1, profit: 2, money: 3, count: 4, price: 5, rate: 6, other: 7 }

export const isAveraged = (kind: MeasureKind) => kind === 'price' || kind === 'rate'

const RATE = /\b(rate|ratio|percent|percentage|pct|share|yield|avg|average|mean)\b|%/i
const PRICE = /\bprice\b|\bunit (cost|value)\b|\bcost per\b|\bper (unit|item|piece)\b|\bunit ?price\b|preis/i
/** A "price" column that is really a line total (Extended Price, Total Price). */
const LINE_TOTAL = /total|extended|line|amount|sum/i
const FRACTION_OR_MONEY = /discount|margin|rebate|markdown|rabatt/i
const PROFIT = /profit|earnings|gewinn|ebit|net income|margin/i
const COST = /cost|cogs|expense|spend|kosten|aufwand/i
const REVENUE = /revenue|sales|turnover|income|umsatz|erlös|amount|betrag|gross/i
const COUNT = /\b(qty|quantity|quantities|units?|units sold|volume|count|orders|pieces|items|transactions|visits|customers|menge|stück|anzahl)\b/i
const MONEY = /tax|fee|budget|value|total|balance|net|discount|rebate|price|cash|payment|charge|spend|\$|€|£/i

export interface ColumnSample {
  /** Share of non-empty cells written as percents. */
  percentShare: number
  /** Every readable value lies within [-1, 1] (fractions such as 0.15 for 15%). */
  allFractions: boolean
}

export function classifyMeasure (name: string, sample: ColumnSample): MeasureKind {
  if (sample.percentShare > 0.5 || RATE.test(name)) return 'rate'
  if (PRICE.test(name) && !LINE_TOTAL.test(name)) return 'price'
  if (FRACTION_OR_MONEY.test(name) && sample.allFractions) return 'rate'
  if (PROFIT.test(name)) return 'profit'
  if (COST.test(name)) return 'cost'
  if (REVENUE.test(name)) return 'revenue'
  if (COUNT.test(name)) return 'count'
  if (MONEY.test(name)) return 'money'
  return 'other'
}
