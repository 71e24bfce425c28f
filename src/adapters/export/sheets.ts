/**
 * Google Sheets export: `spreadsheets.values.append` of one row per submission to SHEET_ID at
 * SHEET_RANGE. The header row is read first; on an empty sheet it is written, and a new column
 * (a form field not seen before) is added at its end, so values always sit under their heading.
 * Values are sent RAW: a form field that starts with `=` stays text and never runs as a formula.
 */
import type { GoogleAuthHandle } from '../google/auth.ts'
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../google/retry.ts'
import { createSerialQueue } from '../serial-queue.ts'
import { alignRow } from './align-row.ts'
import type { ExportResult, SheetExporter } from './types.ts'

export interface SheetsExporterOptions {
  google: GoogleAuthHandle
  spreadsheetId: string
  range: string
  rootUrl?: string
  retry?: RetryPolicy
}

export async function createSheetsExporter (options: SheetsExporterOptions): Promise<SheetExporter> {
  // Loaded only when Google is configured: the generated client costs ~35 MB of RSS.
  const { sheets } = await import('@googleapis/sheets')
  const api = sheets({ version: 'v4', auth: options.google.auth, ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}) })
  const { spreadsheetId, range } = options
  const headerRange = `${sheetPrefix(range)}1:1`
  const serial = createSerialQueue()
  const policy = options.retry ?? DEFAULT_RETRY

  return {
    provider: 'sheets',
    appendRow (cells, { signal }) {
      return serial(async (): Promise<ExportResult> => {
        const call = <T>(request: () => Promise<T>) => withRetry(request, { policy, signal })
        // The generated client would retry on its own too; one retry policy, ours, is enough.
        const requestOptions = { signal, retry: false }
        const current = await call(() => api.spreadsheets.values.get({ spreadsheetId, range: headerRange }, requestOptions))
        const existing = (current.data.values?.[0] ?? []).map(String)
        const { header, row, headerChanged } = alignRow(existing, cells)
        let values: string[][] = [row]
        if (existing.length === 0) {
          values = [header, row]
        } else if (headerChanged) {
          await call(() => api.spreadsheets.values.update({
            spreadsheetId, range: `${sheetPrefix(range)}A1`, valueInputOption: 'RAW', requestBody: { values: [header] }
          }, requestOptions))
        }
        const appended = await call(() => api.spreadsheets.values.append({
          spreadsheetId, range, valueInputOption: 'RAW', insertDataOption: 'INSERT_ROWS', requestBody: { values }
        }, requestOptions))
        const updatedRange = appended.data.updates?.updatedRange ?? undefined
        return {
          provider: 'sheets',
          location: `https://docs.google.com/spreadsheets/d/${encodeURIComponent(spreadsheetId)}/edit`,
          ...(updatedRange ? { range: updatedRange } : {}),
          header,
          row
        }
      })
    }
  }
}

/** `Sheet1!A1` → `Sheet1!`; `'My sheet'!A:K` → `'My sheet'!`; a bare A1 range means the first sheet. */
export function sheetPrefix (range: string): string {
  const bang = range.lastIndexOf('!')
  if (bang >= 0) return range.slice(0, bang + 1)
  return /^[A-Za-z]{1,3}\d*(:[A-Za-z]{1,3}\d*)?$/.test(range) ? '' : `${range}!`
}
