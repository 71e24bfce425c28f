/**
 * One warning per measure column for its unreadable cells, not one per row: an export with a
 * text placeholder in every row of a column (hundreds of rows) gets one line that says how many
 * cells were left out, with the first one as the example. Runs after the read pass (and after
 * the threads' passes are merged), so the read path keeps recording what it finds row by row.
 */
import type { MeasureRole } from './roles.ts'
import type { WarningLog } from './warnings.ts'

export function summarizeBadCells (warnings: WarningLog, measures: readonly MeasureRole[], badCells: readonly number[]): void {
  const earliest = new Map<string, number>()
  for (const warning of warnings.kept) {
    if (warning.code === 'bad_number' && warning.column !== undefined) earliest.set(warning.column, Math.min(earliest.get(warning.column) ?? Infinity, warning.row ?? 0))
  }
  const seen = new Set<string>()
  const kept = warnings.kept.filter(warning => {
    const column = warning.column
    if (warning.code !== 'bad_number' || column === undefined) return true
    if (seen.has(column) || (warning.row ?? 0) !== earliest.get(column)) return false
    seen.add(column)
    return true
  })
  warnings.kept.splice(0, warnings.kept.length, ...kept)
  warnings.dropped.delete('bad_number')
  measures.forEach((measure, m) => {
    const count = badCells[m] ?? 0
    const example = warnings.kept.find(warning => warning.code === 'bad_number' && warning.column === measure.name)
    if (!example || count <= 1) return
    example.message = `${example.message.replace(/; the cell was left out\.$/, '')} (row ${example.row ?? '?'}); ${count.toLocaleString('en-US')} cells of "${measure.name}" could not be read as numbers and were left out.`
  })
}
