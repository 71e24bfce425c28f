/**
 * The single streaming pass: every good row adds its measures into per-date-token sums, overall
 * and per region and department. Dates are interned as their text (time of day stripped), so a
 * 3-million-row file holds a few thousand distinct dates and each is parsed once, after the pass,
 * with the day/month order decided from all of them. Bad rows and cells become warnings
 * (bad-cells.ts then folds the cells' into one per column). A measure averaged with a quantity weight adds value × weight to its sum and the
 * weight to its count, so sum ÷ count is the weighted mean.
 */
import type { AggregateData, AggregateSetup } from './aggregate-data.ts'
import { inferDateReading, type DateReading } from './date-order.ts'
import { GroupTotals, growTo } from './group-totals.ts'
import { isoDay, normalizeDateToken, parseDateToken } from './parse-date.ts'
import { parseNumber } from './parse-number.ts'
import { clipLabel } from './pdf/format.ts'
import type { WarningLog } from './warnings.ts'

/** Past this many distinct date texts the order is settled early and dates are keyed by day. */
export const TOKEN_LIMIT = 5000
const RAW_CACHE_LIMIT = 50_000
/**
 * Longest cell a row may have in a column the report reads (date, groups, measures). A longer
 * one is no date, number or group name anyone meant; carried on as a group name it would be
 * copied into every chart, forecast key and PDF line. The row is skipped with a warning.
 */
export const MAX_CELL_CHARS = 64 * 1024
const MISSING = -1
const UNREADABLE = -2

export class Aggregator implements AggregateData {
  readonly tokens: string[] = []
  readonly tokenFirstRow: number[] = []
  tokenRows: Float64Array = new Float64Array(1024)
  sums: Float64Array
  counts: Float64Array
  readonly regions: GroupTotals | null
  readonly departments: GroupTotals | null
  dataRows = 0
  skippedRows = 0
  readonly badCells: number[]
  /** Set when the distinct dates outgrew TOKEN_LIMIT and the order had to be decided mid-stream. */
  settled: DateReading | undefined
  private readonly rawTokens = new Map<string, number>()
  private lastDateCell: string | undefined
  private lastDateToken = MISSING
  /** The current row's measure values (NaN where a cell is empty or unreadable), reused per row. */
  private readonly rowValues: Float64Array
  /** The current row's weight per measure (1 for sums and plain means). */
  private readonly rowWeights: Float64Array
  /** Weight column per measure, -1 for none. */
  private readonly weightColumns: Int32Array
  private readonly tokenLookup = new Map<string, number>()
  private readonly width: number
  private readonly measureColumns: Int32Array
  /** The columns the report reads, whose cells are held to MAX_CELL_CHARS. */
  private readonly readColumns: Int32Array
  private readonly setup: AggregateSetup
  private readonly warnings: WarningLog

  constructor (setup: AggregateSetup, warnings: WarningLog) {
    this.setup = setup
    this.warnings = warnings
    const measureCount = setup.measures.length
    this.width = setup.header.length
    this.measureColumns = Int32Array.from(setup.measures, measure => measure.index)
    this.readColumns = Int32Array.from([setup.date, setup.region, setup.department, ...this.measureColumns].filter(column => column !== null))
    this.sums = new Float64Array(1024 * measureCount)
    this.counts = new Float64Array(1024 * measureCount)
    const needCounts = setup.measures.some(measure => measure.aggregation === 'mean')
    this.regions = setup.region === null ? null : new GroupTotals(setup.maxTrackedGroups, measureCount, needCounts)
    this.departments = setup.department === null ? null : new GroupTotals(setup.maxTrackedGroups, measureCount, needCounts)
    this.badCells = setup.measures.map(() => 0)
    this.rowValues = new Float64Array(measureCount)
    this.rowWeights = new Float64Array(measureCount).fill(1)
    this.weightColumns = Int32Array.from(setup.measures, measure => measure.weight?.index ?? -1)
  }

  addRows (rows: readonly string[][], firstRow: number): void {
    const { date, region, department, decimal, header } = this.setup
    const warnings = this.warnings
    const measureCount = this.measureColumns.length
    const columns = this.measureColumns
    const regions = this.regions
    const departments = this.departments
    const values = this.rowValues
    const weights = this.rowWeights
    const weightColumns = this.weightColumns
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as string[]
      const rowNumber = firstRow + i
      if (row.length !== this.width && !this.isPaddedRow(row)) {
        this.skippedRows++
        warnings.add({ code: 'ragged_row', message: `Row has ${row.length} fields where the header has ${this.width}; the row was skipped.`, row: rowNumber })
        continue
      }
      const longCell = this.longCellColumn(row)
      if (longCell >= 0) {
        this.skippedRows++
        warnings.add({ code: 'cell_too_long', message: `A cell has ${(row[longCell] as string).length.toLocaleString('en-US')} characters, more than the ${MAX_CELL_CHARS / 1024} KiB a date, number or name can have; the row was skipped.`, row: rowNumber, column: header[longCell] })
        continue
      }
      const dateCell = row[date] as string
      // Exports are usually in date order, so most rows repeat the previous row's date text.
      let token = this.lastDateToken
      if (dateCell !== this.lastDateCell) {
        token = this.rawTokens.get(dateCell) ?? this.internDate(dateCell, rowNumber)
        this.lastDateCell = dateCell
        this.lastDateToken = token
      }
      if (token < 0) {
        this.skippedRows++
        warnings.add(token === MISSING
          ? { code: 'missing_date', message: 'The date is empty; the row was skipped.', row: rowNumber, column: header[date] }
          : { code: 'bad_date', message: `"${clipLabel(dateCell)}" is not a date this report can read; the row was skipped.`, row: rowNumber, column: header[date] })
        continue
      }
      this.dataRows++
      const base = token * measureCount
      if (base + measureCount > this.sums.length) this.grow(token)
      this.tokenRows[token]! += 1
      const regionSlot = regions ? regions.slot(row[region as number] as string) : -1
      const departmentSlot = departments ? departments.slot(row[department as number] as string) : -1
      const sums = this.sums
      const counts = this.counts
      for (let m = 0; m < measureCount; m++) {
        const cell = row[columns[m] as number] as string
        const value = parseNumber(cell, decimal)
        values[m] = Number.NaN
        if (value === null) continue
        if (Number.isNaN(value)) {
          this.badCells[m]!++
          warnings.add({ code: 'bad_number', message: `"${clipLabel(cell)}" is not a number; the cell was left out.`, row: rowNumber, column: header[columns[m] as number] })
          continue
        }
        const weightColumn = weightColumns[m] as number
        if (weightColumn >= 0) {
          // A row without a usable quantity has no weight in the average.
          const weight = parseNumber(row[weightColumn] as string, decimal)
          if (weight === null || !(weight > 0)) continue
          weights[m] = weight
        }
        values[m] = value * (weights[m] as number)
        sums[base + m]! += values[m] as number
        counts[base + m]! += weights[m] as number
      }
      if (regions) regions.addRow(regionSlot, base, values, weights)
      if (departments) departments.addRow(departmentSlot, base, values, weights)
    }
  }

  /** The sums trimmed to the dates seen, as plain data for the later stages (or another thread). */
  snapshot (): AggregateData {
    const length = this.tokens.length * this.measureColumns.length
    return {
      tokens: this.tokens,
      tokenFirstRow: this.tokenFirstRow,
      tokenRows: this.tokenRows.slice(0, this.tokens.length),
      sums: this.sums.slice(0, length),
      counts: this.counts.slice(0, length),
      regions: this.regions?.snapshot(length) ?? null,
      departments: this.departments?.snapshot(length) ?? null,
      dataRows: this.dataRows,
      skippedRows: this.skippedRows,
      badCells: this.badCells,
      settled: this.settled
    }
  }

  /** The first column the report reads whose cell is over MAX_CELL_CHARS, or -1. */
  private longCellColumn (row: readonly string[]): number {
    const columns = this.readColumns
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as number
      if ((row[column] as string).length > MAX_CELL_CHARS) return column
    }
    return -1
  }

  /** A row longer than the header only because of trailing empty fields is fine. */
  private isPaddedRow (row: readonly string[]): boolean {
    if (row.length < this.width) return false
    for (let i = this.width; i < row.length; i++) if (row[i] !== '') return false
    return true
  }

  private internDate (cell: string, rowNumber: number): number {
    let key = normalizeDateToken(cell)
    let token: number | undefined
    if (key === '') token = MISSING
    else {
      if (this.settled) {
        const day = parseDateToken(key, this.settled.order)
        key = Number.isNaN(day) ? '' : isoDay(day)
      }
      if (key === '') token = UNREADABLE
      else {
        token = this.tokenLookup.get(key)
        if (token === undefined) {
          token = this.tokens.length
          this.tokens.push(key)
          this.tokenFirstRow.push(rowNumber)
          this.tokenLookup.set(key, token)
          if (!this.settled && this.tokens.length > TOKEN_LIMIT) this.settled = inferDateReading(this.tokens, this.setup.dayOrderHint)
        }
      }
    }
    if (this.rawTokens.size < RAW_CACHE_LIMIT) this.rawTokens.set(cell, token)
    return token
  }

  private grow (token: number): void {
    const measureCount = this.measureColumns.length
    const capacity = Math.max((token + 1) * 2, 1024)
    this.tokenRows = growTo(this.tokenRows, capacity)
    this.sums = growTo(this.sums, capacity * measureCount)
    this.counts = growTo(this.counts, capacity * measureCount)
  }
}
