/**
 * Fake Sheets `spreadsheets.values` get / update / append over an in-memory grid per sheet,
 * answering with the fields the real API returns (`updates.updatedRange`, …).
 */
import type { ServerResponse } from 'node:http'
import type { RecordedRequest } from './server.ts'
import { sendJson } from './server.ts'

/** Sheet name → rows. */
export type SheetGrid = Map<string, string[][]>

const VALUES_PATH = /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+?)(:append)?$/

export function handleSheets (spreadsheets: Map<string, SheetGrid>, request: RecordedRequest, response: ServerResponse) {
  const match = VALUES_PATH.exec(request.path)
  const grid = match ? spreadsheets.get(match[1] ?? '') : undefined
  if (!match || !grid) return sendJson(response, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } })
  const spreadsheetId = match[1] ?? ''
  const { sheet, startRow, endRow } = parseRange(match[2] ?? '')
  const rows = grid.get(sheet) ?? []
  grid.set(sheet, rows)

  if (request.method === 'GET') {
    const slice = rows.slice(startRow - 1, endRow ?? rows.length)
    return sendJson(response, 200, { range: `${sheet}!A${startRow}:Z${endRow ?? rows.length}`, majorDimension: 'ROWS', ...(slice.length ? { values: slice } : {}) })
  }
  if (request.query.get('valueInputOption') !== 'RAW' && request.query.get('valueInputOption') !== 'USER_ENTERED') {
    return sendJson(response, 400, { error: { code: 400, message: 'Invalid valueInputOption', status: 'INVALID_ARGUMENT' } })
  }
  const values = (JSON.parse(request.body.toString('utf8')) as { values: string[][] }).values
  const width = Math.max(...values.map(row => row.length))
  if (request.method === 'PUT') {
    values.forEach((row, index) => { rows[startRow - 1 + index] = row.map(String) })
    const updatedRange = `${sheet}!A${startRow}:${column(width)}${startRow + values.length - 1}`
    return sendJson(response, 200, { spreadsheetId, updatedRange, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width })
  }
  if (request.method === 'POST' && match[3]) {
    const first = rows.length + 1
    rows.push(...values.map(row => row.map(String)))
    const updatedRange = `${sheet}!A${first}:${column(width)}${first + values.length - 1}`
    return sendJson(response, 200, {
      spreadsheetId,
      tableRange: first > 1 ? `${sheet}!A1:${column(width)}${first - 1}` : undefined,
      updates: { spreadsheetId, updatedRange, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width }
    })
  }
  sendJson(response, 405, { error: { code: 405, message: 'Method not allowed', status: 'INVALID_ARGUMENT' } })
}

/** `Sheet1!1:1`, `'My sheet'!A3`, `Sheet1`, `A1` → sheet name and 1-based rows. */
function parseRange (range: string): { sheet: string, startRow: number, endRow?: number } {
  const bang = range.lastIndexOf('!')
  const sheet = bang >= 0 ? range.slice(0, bang).replace(/^'(.*)'$/, '$1') : (/^[A-Z]+\d*(:[A-Z]*\d*)?$/.test(range) ? 'Sheet1' : range)
  const cells = bang >= 0 ? range.slice(bang + 1) : ''
  const rowNumbers = [...cells.matchAll(/\d+/g)].map(m => Number(m[0]))
  return { sheet, startRow: rowNumbers[0] ?? 1, ...(rowNumbers[1] ? { endRow: rowNumbers[1] } : {}) }
}

function column (count: number): string {
  let name = ''
  for (let n = count; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name
  return name || 'A'
}
