import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLocalCsvExporter, neutraliseFormula } from './local-csv.ts'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'stagecast-csv-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

const signal = new AbortController().signal
const readRows = async (path: string) => Papa.parse<string[]>(await readFile(path, 'utf8'), { skipEmptyLines: true }).data

describe('local CSV export', () => {
  it('writes the header once, then one row per submission, quoting what needs quoting', async () => {
    const exporter = createLocalCsvExporter(dir)
    const first = await exporter.appendRow([['Job id', 'a'], ['note', 'line one\nline "two", end']], { signal })
    await exporter.appendRow([['Job id', 'b'], ['note', 'plain']], { signal })
    expect(first.location).toBe('exports/submissions.csv')
    expect(await readRows(join(dir, first.location))).toEqual([['Job id', 'note'], ['a', 'line one\nline "two", end'], ['b', 'plain']])
  })

  it('widens the header for a new column and pads the earlier rows', async () => {
    const exporter = createLocalCsvExporter(dir)
    await exporter.appendRow([['Job id', 'a'], ['name', 'Ada']], { signal })
    const result = await exporter.appendRow([['Job id', 'b'], ['company', 'Acme'], ['name', 'Grace']], { signal })
    expect(result.header).toEqual(['Job id', 'name', 'company'])
    expect(result.row).toEqual(['b', 'Grace', 'Acme'])
    expect(await readRows(join(dir, result.location))).toEqual([['Job id', 'name', 'company'], ['a', 'Ada', ''], ['b', 'Grace', 'Acme']])
  })

  it('keeps concurrent appends from two jobs whole, under one header', async () => {
    const exporter = createLocalCsvExporter(dir)
    await Promise.all(Array.from({ length: 10 }, (_, index) => exporter.appendRow([['Job id', `job-${index}`], [`field-${index % 3}`, 'x']], { signal })))
    const rows = await readRows(join(dir, 'exports', 'submissions.csv'))
    expect(rows[0]).toEqual(['Job id', 'field-0', 'field-1', 'field-2'])
    expect(rows.slice(1).map(row => row[0]).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `job-${index}`).sort())
  })

  it('neutralises cells a spreadsheet would run as formulas, but not signed numbers', () => {
    expect(neutraliseFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")')
    expect(neutraliseFormula('@SUM(A1)')).toBe('\'@SUM(A1)')
    expect(neutraliseFormula('-2+3')).toBe('\'-2+3')
    expect(neutraliseFormula('+31201234567')).toBe('+31201234567')
    expect(neutraliseFormula('-12.50')).toBe('-12.50')
    expect(neutraliseFormula('Ada')).toBe('Ada')
  })
})
