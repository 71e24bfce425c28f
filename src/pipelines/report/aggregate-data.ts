/**
 * What the read pass starts from and what it leaves for the later stages. Both are plain data
 * (no classes, no functions), so the pass can run on a worker thread and post them across.
 */
import type { DateReading } from './date-order.ts'
import type { DayOrder } from './parse-date.ts'
import type { DecimalSeparator } from './parse-number.ts'
import type { MeasureRole } from './roles.ts'

export interface AggregateSetup {
  header: readonly string[]
  date: number
  region: number | null
  department: number | null
  measures: readonly MeasureRole[]
  decimal: DecimalSeparator
  dayOrderHint: DayOrder
  /** Largest number of distinct groups tracked per grouping column; later ones share one bucket. */
  maxTrackedGroups: number
}

/** Sums of one grouping column: per group, `token × measures + measure` like the overall sums. */
export interface GroupTotalsData {
  names: string[]
  sums: Float64Array[]
  /** Only kept when a measure is averaged. */
  counts: Float64Array[] | null
  /** Rows per group. */
  rows: number[]
  /** Rows whose group arrived after the limit and went to the overflow bucket. */
  overflowRows: number
}

export interface AggregateData {
  /** Distinct date texts (time of day stripped), in order of first appearance. */
  tokens: string[]
  /** Spreadsheet row of each token's first appearance, for warnings. */
  tokenFirstRow: number[]
  tokenRows: Float64Array
  /** Per token and measure (`token × measures + measure`). */
  sums: Float64Array
  counts: Float64Array
  regions: GroupTotalsData | null
  departments: GroupTotalsData | null
  dataRows: number
  skippedRows: number
  /** Unreadable cells per measure. */
  badCells: number[]
  /** Set when the distinct dates outgrew the token limit and the order was decided mid-stream. */
  settled: DateReading | undefined
}

/** The buffers of `data`, to move rather than copy them to another thread. */
export function transferables (data: AggregateData): ArrayBuffer[] {
  const arrays = [data.tokenRows, data.sums, data.counts]
  for (const groups of [data.regions, data.departments]) if (groups) arrays.push(...groups.sums, ...(groups.counts ?? []))
  return arrays.map(array => array.buffer as ArrayBuffer)
}
