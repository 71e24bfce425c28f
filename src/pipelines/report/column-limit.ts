/**
 * The report's bound on columns. A report reads a date column, optional region and department
 * columns and up to a handful of money columns; a file with thousands of columns is almost
 * always a wide layout (one column per date or per product) that needs turning into rows first,
 * and role detection over it would list thousands of names in its notes. Such a file fails here
 * with what is wrong and how to fix it — not later with a misleading "no data rows", which is
 * what a header longer than the sniffed sample used to produce.
 */
import { JobFailure } from '../../errors.ts'
import type { FileShape } from './sniff.ts'

export const MAX_COLUMNS = 1000

const HOW_TO_FIX = 'Keep the date column, the region or department columns and the money columns, ' +
  'and if the file has one column per date or per item, turn those columns into rows (one row per date and item) before uploading.'

/** The failure for a file wider than MAX_COLUMNS; `cutShort` when only part of its header was seen. */
export function tooManyColumns (columns: number, cutShort: boolean): JobFailure {
  const count = columns.toLocaleString('en-US')
  const counted = cutShort ? `at least ${count} columns (the header line alone is longer than the part of the file read to detect its layout)` : `${count} columns`
  return new JobFailure('too_many_columns', `The file has ${counted}; a report reads at most ${MAX_COLUMNS.toLocaleString('en-US')}. ${HOW_TO_FIX}`, { row: 1 })
}

export function checkColumnCount (file: Pick<FileShape, 'header' | 'sampleRows' | 'sampleIsWholeFile'>): void {
  // No complete row after the header in the sample: the header (or the first row) did not fit.
  const cutShort = !file.sampleIsWholeFile && file.sampleRows.length === 0
  if (file.header.length > MAX_COLUMNS) throw tooManyColumns(file.header.length, cutShort)
  if (cutShort) {
    throw new JobFailure('row_too_long', `The header and the first data row together are longer than the part of the file read to detect its layout (the first data row is very long: a huge cell, or thousands of columns). ${HOW_TO_FIX}`, { row: 2 })
  }
}
