/**
 * The one row a submission adds to the sheet: when, which job, every form field in its own
 * column, the documents, the key extracted fields and where the files were archived.
 */
import type { IntakeState } from './state.ts'

const FIXED_COLUMNS = ['Submitted at', 'Job id', 'Documents', 'Pages', 'Emails', 'Phones', 'Dates', 'Total', 'IBANs', 'Invoice numbers', 'Account numbers', 'Archive']
const MAX_VALUES_PER_CELL = 10
const MAX_CELL_CHARACTERS = 50_000

export function buildExportRow (state: IntakeState, jobId: string, submittedAt: Date): Array<[string, string]> {
  const documents = state.documents
  const all = <T>(pick: (extracted: NonNullable<typeof documents[number]['extracted']>) => T[]) =>
    documents.flatMap(d => d.extracted ? pick(d.extracted) : [])
  const list = (values: string[]) => cell([...new Set(values)].slice(0, MAX_VALUES_PER_CELL).join('; '))

  const formColumns = Object.entries(state.fields).map(([name, value]): [string, string] =>
    [FIXED_COLUMNS.includes(name) ? `Form: ${name}` : name, cell(value)])

  return [
    ['Submitted at', submittedAt.toISOString()],
    ['Job id', jobId],
    ...formColumns,
    ['Documents', list(documents.map(d => d.name))],
    ['Pages', String(documents.reduce((sum, d) => sum + d.pageCount, 0))],
    ['Emails', list(all(e => e.emails.map(x => x.value)))],
    ['Phones', list(all(e => e.phones.map(x => x.value)))],
    ['Dates', list(all(e => e.dates.map(x => x.value)))],
    ['Total', list(all(e => e.total ? [`${e.total.currency ? e.total.currency + ' ' : ''}${e.total.value.toFixed(2)}`] : []))],
    ['IBANs', list(all(e => e.ibans.map(x => x.value)))],
    ['Invoice numbers', list(all(e => e.invoiceNumbers.map(x => x.value)))],
    ['Account numbers', list(all(e => e.accountNumbers.map(x => x.value)))],
    ['Archive', list(documents.flatMap(d => d.archive ? [d.archive.location] : []))]
  ]
}

const cell = (value: string) => value.length > MAX_CELL_CHARACTERS ? value.slice(0, MAX_CELL_CHARACTERS - 1) + '…' : value
