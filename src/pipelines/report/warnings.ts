/**
 * Data-quality findings that do not stop a report. Damaged rows are common in real exports, so
 * each problem is recorded with its row and column, but only the first few are kept word for word:
 * a file with a million bad cells must not grow a million-entry result document.
 */

export interface ReportWarning {
  code: string
  message: string
  /** Row number as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row?: number
  column?: string
}

export const MAX_KEPT_WARNINGS = 100

export interface WarningSnapshot { kept: readonly ReportWarning[], dropped: ReadonlyMap<string, number> }

export class WarningLog {
  readonly kept: ReportWarning[] = []
  /** Warnings beyond the kept ones, counted by code. */
  readonly dropped = new Map<string, number>()

  add (warning: ReportWarning): void {
    if (this.kept.length < MAX_KEPT_WARNINGS) this.kept.push(warning)
    else this.dropped.set(warning.code, (this.dropped.get(warning.code) ?? 0) + 1)
  }

  /** Everything recorded, as plain data that can cross to another thread. */
  snapshot (): WarningSnapshot {
    return { kept: this.kept, dropped: this.dropped }
  }

  /** Records another log's warnings after this one's, as if they had been added here in order. */
  absorb (other: WarningSnapshot): void {
    for (const warning of other.kept) this.add(warning)
    for (const [code, count] of other.dropped) this.dropped.set(code, (this.dropped.get(code) ?? 0) + count)
  }

  get droppedCount (): number {
    let total = 0
    for (const count of this.dropped.values()) total += count
    return total
  }

  /** The kept warnings plus one summary line per code for the ones that were only counted. */
  toList (): ReportWarning[] {
    const summary = [...this.dropped].map(([code, count]) => ({
      code: 'more_warnings',
      message: `${count} more "${code}" warning${count === 1 ? '' : 's'} not listed individually.`
    }))
    return [...this.kept, ...summary]
  }
}
