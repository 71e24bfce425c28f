/**
 * Joins the read passes of consecutive byte ranges of one file (read on separate threads) into
 * what one pass over the whole file gives: dates in order of first appearance, groups in order of
 * first appearance up to the tracking limit (later ones in the overflow bucket), warnings in row
 * order with each range's row numbers moved past the rows of the ranges before it. Sums differ
 * from one pass's only in floating-point rounding (they are added in another order).
 *
 * Returns null where one pass could have read the file differently, and the caller then reads it
 * in one pass: a range cut inside a quoted line break (its rows are misread); more distinct
 * dates than a pass keeps as text (one pass would have settled the day/month order mid-file); a
 * later range with more groups than are tracked (its overflow bucket may hold groups that one
 * pass would have tracked by name, having met them in an earlier range).
 */
import type { AggregateData, AggregateSetup, GroupTotalsData } from './aggregate-data.ts'
import { TOKEN_LIMIT } from './aggregate.ts'
import { OVERFLOW_GROUP } from './group-totals.ts'
import type { PassOutput } from './read-pass.ts'
import { WarningLog } from './warnings.ts'

export function mergePasses (passes: readonly PassOutput[], setup: Pick<AggregateSetup, 'measures' | 'maxTrackedGroups'>): PassOutput | null {
  const last = passes.at(-1)
  if (!last) throw new Error('mergePasses needs at least one pass')
  if (passes.slice(0, -1).some(pass => pass.endedInQuotes)) return null
  if (passes.some(pass => pass.data.settled !== undefined)) return null
  if (passes.slice(1).some(pass => overflowed(pass.data.regions) || overflowed(pass.data.departments))) return null

  const rowShifts: number[] = []
  let rows = 0
  for (const pass of passes) {
    rowShifts.push(rows)
    rows += pass.rows
  }
  const dates = mergeDateTokens(passes.map(pass => pass.data), rowShifts)
  if (dates.tokens.length > TOKEN_LIMIT) return null

  const width = setup.measures.length
  const length = dates.tokens.length * width
  const data: AggregateData = {
    tokens: dates.tokens,
    tokenFirstRow: dates.firstRows,
    tokenRows: new Float64Array(dates.tokens.length),
    sums: new Float64Array(length),
    counts: new Float64Array(length),
    regions: mergeGroups(passes.map(pass => pass.data.regions), dates.maps, length, width, setup.maxTrackedGroups),
    departments: mergeGroups(passes.map(pass => pass.data.departments), dates.maps, length, width, setup.maxTrackedGroups),
    dataRows: 0,
    skippedRows: 0,
    badCells: setup.measures.map(() => 0),
    settled: undefined
  }
  const warnings = new WarningLog()
  passes.forEach((pass, p) => {
    const map = dates.maps[p] as Int32Array
    addByToken(data.tokenRows, pass.data.tokenRows, map, 1)
    addByToken(data.sums, pass.data.sums, map, width)
    addByToken(data.counts, pass.data.counts, map, width)
    data.dataRows += pass.data.dataRows
    data.skippedRows += pass.data.skippedRows
    pass.data.badCells.forEach((bad, m) => { data.badCells[m]! += bad })
    const shift = rowShifts[p] as number
    warnings.absorb({
      kept: pass.warnings.kept.map(warning => (warning.row === undefined ? warning : { ...warning, row: warning.row + shift })),
      dropped: pass.warnings.dropped
    })
  })
  return { data, warnings: warnings.snapshot(), rows, endedInQuotes: last.endedInQuotes, parts: passes.length }
}

const overflowed = (groups: GroupTotalsData | null) => (groups?.overflowRows ?? 0) > 0

interface MergedDates {
  tokens: string[]
  firstRows: number[]
  /** Per pass: its token index → the merged token index. */
  maps: Int32Array[]
}

function mergeDateTokens (parts: readonly AggregateData[], rowShifts: readonly number[]): MergedDates {
  const merged: MergedDates = { tokens: [], firstRows: [], maps: [] }
  const index = new Map<string, number>()
  parts.forEach((part, p) => {
    const map = new Int32Array(part.tokens.length)
    part.tokens.forEach((token, local) => {
      let slot = index.get(token)
      if (slot === undefined) {
        slot = merged.tokens.length
        merged.tokens.push(token)
        merged.firstRows.push((part.tokenFirstRow[local] as number) + (rowShifts[p] as number))
        index.set(token, slot)
      }
      map[local] = slot
    })
    merged.maps.push(map)
  })
  return merged
}

/**
 * Adds `source` (laid out `token × width + column`) into `target` at the merged token indexes.
 * A group's array can end before the last date (it grows only as far as the group's own rows).
 */
function addByToken (target: Float64Array, source: Float64Array, map: Int32Array, width: number): void {
  const tokens = Math.min(map.length, Math.floor(source.length / width))
  for (let token = 0; token < tokens; token++) {
    const from = token * width
    const to = (map[token] as number) * width
    for (let column = 0; column < width; column++) target[to + column]! += source[from + column] as number
  }
}

/**
 * Groups keep the order one pass would have met them in: all of the first range's, then each
 * later range's new ones while there is room; the rest go to the overflow bucket, as they would
 * have in one pass.
 */
function mergeGroups (parts: ReadonlyArray<GroupTotalsData | null>, maps: readonly Int32Array[], length: number, width: number, limit: number): GroupTotalsData | null {
  const first = parts[0]
  if (!first) return null
  const withCounts = first.counts !== null
  const merged: GroupTotalsData = { names: [], sums: [], counts: withCounts ? [] : null, rows: [], overflowRows: 0 }
  const slots = new Map<string, number>()
  const addGroup = (name: string): number => {
    merged.names.push(name)
    merged.sums.push(new Float64Array(length))
    merged.counts?.push(new Float64Array(length))
    merged.rows.push(0)
    slots.set(name, merged.names.length - 1)
    return merged.names.length - 1
  }
  // The overflow bucket sits at index `limit`, after every named group, as in GroupTotals.
  const overflowSlot = () => slots.get(OVERFLOW_GROUP) ?? addGroup(OVERFLOW_GROUP)
  parts.forEach((part, p) => {
    if (!part) return
    part.names.forEach((name, local) => {
      const named = name !== OVERFLOW_GROUP
      let slot = named ? slots.get(name) : undefined
      if (slot === undefined) slot = named && merged.names.length < limit ? addGroup(name) : overflowSlot()
      merged.rows[slot]! += part.rows[local] as number
      addByToken(merged.sums[slot] as Float64Array, part.sums[local] as Float64Array, maps[p] as Int32Array, width)
      if (merged.counts && part.counts) addByToken(merged.counts[slot] as Float64Array, part.counts[local] as Float64Array, maps[p] as Int32Array, width)
    })
  })
  const overflow = slots.get(OVERFLOW_GROUP)
  merged.overflowRows = overflow === undefined ? 0 : merged.rows[overflow] as number
  return merged
}
