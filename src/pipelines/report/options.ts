/**
 * The upload's optional form fields (`dateColumn`, `regionColumn`, `departmentColumn`,
 * `measures`, `period`, `horizon`), checked before any row is read so a typo fails in a second
 * with a message naming the field, not after a long parse.
 */
import { JobFailure } from '../../errors.ts'
import { PERIODS, type Period } from './periods.ts'

export interface ReportOptions {
  dateColumn?: string
  /** `null` when the user switched grouping off with `none`. */
  regionColumn?: string | null
  departmentColumn?: string | null
  measures?: string[]
  period?: Period
  horizon?: number
}

export const MAX_HORIZON = 120

export function readOptions (fields: Readonly<Record<string, string>>): ReportOptions {
  const options: ReportOptions = {}
  const text = (name: string) => {
    const value = fields[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  const dateColumn = text('dateColumn')
  if (dateColumn) options.dateColumn = dateColumn
  for (const key of ['regionColumn', 'departmentColumn'] as const) {
    const value = text(key)
    if (value) options[key] = value.toLowerCase() === 'none' ? null : value
  }
  const measures = text('measures')
  if (measures) {
    options.measures = measures.split(',').map(name => name.trim()).filter(Boolean)
    if (options.measures.length === 0) throw invalid('measures', `"${measures}" names no column; give column names separated by commas.`)
  }
  const period = text('period')
  if (period) {
    if (!(PERIODS as readonly string[]).includes(period)) throw invalid('period', `"${period}" is not a period; use one of ${PERIODS.join(', ')}.`)
    options.period = period as Period
  }
  const horizon = text('horizon')
  if (horizon) {
    const value = Number(horizon)
    if (!Number.isInteger(value) || value < 1 || value > MAX_HORIZON) throw invalid('horizon', `"${horizon}" is not a whole number of periods between 1 and ${MAX_HORIZON}.`)
    options.horizon = value
  }
  return options
}

const invalid = (field: string, problem: string) =>
  new JobFailure('invalid_field', `The form field ${field} is invalid: ${problem}`, { field })
