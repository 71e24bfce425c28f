/**
 * The export port: one row per submission appended to a table people read (a Google Sheet or
 * a CSV file). Columns are named; a row with a column the table does not have yet (a new form
 * field) extends the header instead of shifting values under the wrong heading.
 */

export interface ExportResult {
  provider: 'local' | 'sheets'
  /** The CSV file relative to DATA_DIR (`exports/submissions.csv`), or the spreadsheet's link; never a server path. */
  location: string
  /** Where the row landed, when the provider says (`Submissions!A7:K7`). */
  range?: string
  /** The header after this append, and the row as written, aligned to it. */
  header: string[]
  row: string[]
}

export interface SheetExporter {
  readonly provider: ExportResult['provider']
  /** `cells` in display order: `[column name, value]`. */
  appendRow: (cells: ReadonlyArray<readonly [string, string]>, options: { signal: AbortSignal }) => Promise<ExportResult>
}
