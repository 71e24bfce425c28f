/**
 * What the read pass needs decided before it starts, from the file's first rows and the form's
 * options: the number format, the column roles, the day order hint for ambiguous dates.
 */
import { JobFailure } from '../../errors.ts'
import { checkColumnCount } from './column-limit.ts'
import type { ReportOptions } from './options.ts'
import { detectDecimalSeparator, type DecimalSeparator } from './parse-number.ts'
import type { PassInput } from './read-pass.ts'
import { detectRoles, type ColumnRoles } from './roles.ts'
import type { FileShape } from './sniff.ts'

/** Groups tracked individually per column while streaming (REPORT_MAX_GROUPS is at most 100). */
const MAX_TRACKED_GROUPS = 200

export interface ReadPlan {
  decimal: DecimalSeparator
  roles: ColumnRoles
  dayOrderHint: 'dmy' | 'mdy'
  input: PassInput
}

export function planRead (file: FileShape, path: string, options: ReportOptions): ReadPlan {
  checkColumnCount(file)
  if (file.sampleRows.length === 0) {
    throw new JobFailure('no_rows', 'The file has a header but no data rows. Export the data again including its rows.', { row: 2 })
  }
  const decimal = detectDecimalSeparator(file.sampleRows.flat(), file.delimiter)
  const roles = detectRoles(file.header, file.sampleRows, decimal, options)
  const dayOrderHint = decimal === ',' || file.delimiter === ';' ? 'dmy' : 'mdy'
  return {
    decimal,
    roles,
    dayOrderHint,
    input: {
      path,
      shape: { encoding: file.encoding, delimiter: file.delimiter, lineEnding: file.lineEnding },
      setup: { header: file.header, date: roles.date, region: roles.region, department: roles.department, measures: roles.measures, decimal, dayOrderHint, maxTrackedGroups: MAX_TRACKED_GROUPS }
    }
  }
}

/** Whether two plans read the file the same way (the form's late fields changed nothing that matters). */
export const samePlan = (a: ReadPlan, b: ReadPlan): boolean =>
  JSON.stringify(a.input.setup) === JSON.stringify(b.input.setup) && JSON.stringify(a.input.shape) === JSON.stringify(b.input.shape)
