/**
 * After the pass: reads every distinct date text once with the order decided from all of them,
 * turns unreadable ones into warnings (with the first row that had each), and decides whether
 * anything usable is left — if not, the validation stage fails with what to change.
 */
import { JobFailure } from '../../errors.ts'
import type { AggregateData } from './aggregate-data.ts'
import { inferDateReading, type DateReading } from './date-order.ts'
import { parseDateToken, type DayOrder } from './parse-date.ts'
import type { WarningLog } from './warnings.ts'

export interface ResolvedDates {
  reading: DateReading
  /** Day number per date token; NaN for a token that is no date. */
  days: Float64Array
  usableRows: number
}

export function resolveDates (data: AggregateData, hint: DayOrder, dateColumn: string, warnings: WarningLog): ResolvedDates {
  const reading = data.settled ?? inferDateReading(data.tokens, hint)
  if (reading.note) warnings.add({ code: 'ambiguous_dates', message: reading.note, column: dateColumn })
  const days = new Float64Array(data.tokens.length)
  let usableRows = 0
  data.tokens.forEach((token, index) => {
    const day = parseDateToken(token, reading.order)
    days[index] = day
    const rows = data.tokenRows[index] ?? 0
    if (Number.isNaN(day)) {
      data.skippedRows += rows
      warnings.add({
        code: 'bad_date',
        message: `"${token}" is not a date this report can read${reading.order === 'dmy' ? ' as day/month/year' : ''}; ${rows} row${rows === 1 ? '' : 's'} with it ${rows === 1 ? 'was' : 'were'} skipped (first shown).`,
        row: data.tokenFirstRow[index] ?? 0,
        column: dateColumn
      })
    } else {
      usableRows += rows
    }
  })
  if (data.dataRows + data.skippedRows === 0) {
    throw new JobFailure('no_rows', 'The file has a header but no data rows. Export the data again including its rows.')
  }
  if (usableRows === 0) {
    throw new JobFailure('no_usable_rows', `None of the ${data.dataRows + data.skippedRows} rows has a date that can be read in column "${dateColumn}". Use dates such as 2024-03-15, 15/03/2024 or 15 Mar 2024, or name another column in the form field dateColumn.`, { column: dateColumn })
  }
  data.dataRows = usableRows
  return { reading, days, usableRows }
}
