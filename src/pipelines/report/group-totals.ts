/**
 * Per-group sums for one grouping column (regions or departments), laid out like the overall
 * sums (`token × measures + measure`) in one growable array per group. Only the first
 * `limit` distinct groups are tracked individually; later ones share an overflow bucket that
 * ends up in "Other", which bounds memory whatever the column holds.
 */

import type { GroupTotalsData } from './aggregate-data.ts'

export const OVERFLOW_GROUP = '\u0000overflow'
const LOOKUP_LIMIT = 20_000

export function growTo (array: Float64Array, length: number): Float64Array {
  if (array.length >= length) return array
  const grown = new Float64Array(Math.max(length, array.length * 2))
  grown.set(array)
  return grown
}

export class GroupTotals implements GroupTotalsData {
  readonly names: string[] = []
  readonly sums: Float64Array[] = []
  readonly counts: Float64Array[] | null
  /** Rows added per group (lets per-thread totals be merged, see merge-passes.ts). */
  readonly rows: number[] = []
  private readonly lookup = new Map<string, number>()
  private lastCell: string | undefined
  private lastSlot = 0
  private readonly limit: number
  private readonly measureCount: number

  constructor (limit: number, measureCount: number, needCounts: boolean) {
    this.limit = limit
    this.measureCount = measureCount
    this.counts = needCounts ? [] : null
  }

  slot (cell: string): number {
    // Sorted or grouped exports repeat a group over many rows; this skips hashing the cell.
    if (cell === this.lastCell) return this.lastSlot
    const slot = this.find(cell)
    this.lastCell = cell
    this.lastSlot = slot
    return slot
  }

  private find (cell: string): number {
    const known = this.lookup.get(cell)
    if (known !== undefined) return known
    const name = cell.trim() === '' ? '(blank)' : cell.trim()
    let slot = this.lookup.get(name)
    if (slot === undefined) {
      slot = this.names.length < this.limit ? this.names.length : this.limit
      if (slot === this.names.length) this.addGroup(slot === this.limit ? OVERFLOW_GROUP : name)
    }
    if (this.lookup.size < LOOKUP_LIMIT) {
      this.lookup.set(cell, slot)
      this.lookup.set(name, slot)
    }
    return slot
  }

  /** Rows whose group arrived after the limit and went to the overflow bucket (at slot `limit`). */
  get overflowRows (): number {
    return this.rows[this.limit] ?? 0
  }

  /**
   * Adds one row's measure values (NaN: no value) at `base`, the row's date token × measures;
   * `weights` (per measure) is what each value counts for in an average, 1 when absent.
   */
  addRow (slot: number, base: number, values: Float64Array, weights?: Float64Array): void {
    this.rows[slot]!++
    let sums = this.sums[slot] as Float64Array
    if (base + this.measureCount > sums.length) {
      sums = this.sums[slot] = growTo(sums, (base + this.measureCount) * 2)
      if (this.counts) this.counts[slot] = growTo(this.counts[slot] as Float64Array, sums.length)
    }
    const counts = this.counts ? this.counts[slot] as Float64Array : null
    for (let m = 0; m < values.length; m++) {
      const value = values[m] as number
      if (Number.isNaN(value)) continue
      sums[base + m]! += value
      if (counts) counts[base + m]! += weights ? weights[m] as number : 1
    }
  }

  /** Plain copies holding the first `length` entries of each group (the later ones are all zero). */
  snapshot (length: number): GroupTotalsData {
    return {
      names: this.names,
      sums: this.sums.map(sums => sums.slice(0, length)),
      counts: this.counts?.map(counts => counts.slice(0, length)) ?? null,
      rows: this.rows,
      overflowRows: this.overflowRows
    }
  }

  private addGroup (name: string): void {
    this.names.push(name)
    this.rows.push(0)
    this.sums.push(new Float64Array(256 * this.measureCount))
    this.counts?.push(new Float64Array(256 * this.measureCount))
  }
}
