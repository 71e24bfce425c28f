import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AggregateSetup, GroupTotalsData } from './aggregate-data.ts'
import { planRanges } from './byte-ranges.ts'
import type { ByteRange } from './csv-stream.ts'
import { OVERFLOW_GROUP } from './group-totals.ts'
import { mergePasses } from './merge-passes.ts'
import { readPassOnThreads } from './read-pass-thread.ts'
import { readPass, type PassInput, type PassOutput } from './read-pass.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'merge-passes-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

const HEADER = ['Date', 'Region', 'Department', 'Revenue', 'Margin %']

function setup (maxTrackedGroups = 200): AggregateSetup {
  return {
    header: HEADER,
    date: 0,
    region: 1,
    department: 2,
    measures: [{ index: 3, name: 'Revenue', aggregation: 'sum' }, { index: 4, name: 'Margin %', aggregation: 'mean' }],
    decimal: '.',
    dayOrderHint: 'mdy',
    maxTrackedGroups
  }
}

async function writeCsv (lines: readonly string[]): Promise<PassInput & { bytes: number }> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`)
  await writeFile(path, `${HEADER.join(',')}\n${lines.join('\n')}\n`)
  return { path, bytes: (await stat(path)).size, shape: { encoding: 'utf8', delimiter: ',', lineEnding: '\n' }, setup: setup() }
}

const never = new AbortController().signal
const ignore = () => {}

/** Reads each range inline (no threads), as the threads would. */
async function readRanges (input: PassInput, ranges: readonly ByteRange[]): Promise<PassOutput[]> {
  return Promise.all(ranges.map(range => readPass({ ...input, range }, never, ignore)))
}

/** Group arrays may stop at their last non-zero date (one pass) or run to the last date (merged). */
function groupView (groups: GroupTotalsData | null, length: number) {
  if (!groups) return null
  const padded = (arrays: Float64Array[]) => arrays.map(values => Array.from({ length }, (_, i) => round(values[i] ?? 0)))
  return { names: groups.names, rows: groups.rows, overflowRows: groups.overflowRows, sums: padded(groups.sums), counts: groups.counts ? padded(groups.counts) : null }
}

const round = (value: number) => Math.round(value * 1e6) / 1e6

/** What a report takes from a pass; sums are compared rounded (threads add in another order). */
function view (pass: PassOutput) {
  const { data, warnings } = pass
  return {
    rows: pass.rows,
    tokens: data.tokens,
    tokenFirstRow: data.tokenFirstRow,
    tokenRows: [...data.tokenRows],
    sums: [...data.sums].map(round),
    counts: [...data.counts],
    regions: groupView(data.regions, data.sums.length),
    departments: groupView(data.departments, data.sums.length),
    dataRows: data.dataRows,
    skippedRows: data.skippedRows,
    badCells: data.badCells,
    kept: warnings.kept,
    dropped: [...warnings.dropped]
  }
}

/** A messy export: quoted fields with commas and escaped quotes, blank lines, damage here and there. */
function messyLines (count: number): string[] {
  const regions = ['Nord', 'Süd', '"West, Coast"', 'Ost', '東京']
  const departments = ['Sales', '"R&D ""Labs"""', 'Support']
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0')
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0')
    const revenue = i % 97 === 5 ? 'n/a' : `"$${(1000 + i * 7.25).toLocaleString('en-US')}"`
    if (i % 53 === 7) lines.push(`${month}/${day}/2024,Nord`) // ragged
    else if (i % 61 === 3) lines.push(',Nord,Sales,10,5%') // no date
    else lines.push(`${month}/${day}/2024,${regions[i % regions.length]},${departments[(i * 7) % departments.length]},${revenue},${(i % 40) + 0.5}%`)
    if (i % 41 === 0) lines.push('')
  }
  return lines
}

describe('planRanges', () => {
  it('cuts just after line feeds, covers the file exactly, and gives the header to the first range only', async () => {
    const input = await writeCsv(messyLines(500))
    const ranges = await planRanges(input.path, input.bytes, 4)
    expect(ranges).toHaveLength(4)
    expect(ranges[0]).toMatchObject({ start: 0, header: true })
    expect(ranges.at(-1)?.end).toBe(input.bytes)
    const text = await import('node:fs/promises').then(fs => fs.readFile(input.path))
    for (const [i, range] of ranges.entries()) {
      if (i > 0) {
        expect(range.header).toBe(false)
        expect(range.start).toBe(ranges[i - 1]?.end)
        expect(text[range.start - 1]).toBe(0x0a)
      }
    }
  })

  it('gives fewer ranges when the file has fewer lines than threads', async () => {
    const input = await writeCsv(['01/02/2024,Nord,Sales,1,2%'])
    const ranges = await planRanges(input.path, input.bytes, 8)
    expect(ranges.length).toBeLessThanOrEqual(2)
    expect(ranges.at(-1)?.end).toBe(input.bytes)
  })
})

describe('mergePasses', () => {
  it('gives what one pass over the whole file gives, warnings and row numbers included', async () => {
    const input = await writeCsv(messyLines(3000))
    const whole = await readPass(input, never, ignore)
    expect(whole.data.skippedRows).toBeGreaterThan(0)
    expect(whole.data.badCells[0]).toBeGreaterThan(0)
    for (const count of [2, 3, 7]) {
      const passes = await readRanges(input, await planRanges(input.path, input.bytes, count))
      const merged = mergePasses(passes, input.setup)
      expect(merged).not.toBeNull()
      expect(view(merged as PassOutput)).toEqual(view(whole))
    }
  })

  it('refuses ranges cut inside a quoted line break, and the threaded read then reads in one pass', async () => {
    const lines = messyLines(400)
    // A note column would be unusual here, so the line break sits inside a quoted region name.
    lines[200] = '03/04/2024,"North\nEast",Sales,100,5%'
    const input = await writeCsv(lines)
    const text = await import('node:fs/promises').then(fs => fs.readFile(input.path, 'utf8'))
    const cut = Buffer.byteLength(text.slice(0, text.indexOf('North\n') + 'North\n'.length))
    const passes = await readRanges(input, [{ start: 0, end: cut, header: true }, { start: cut, end: input.bytes, header: false }])
    expect(passes[0]?.endedInQuotes).toBe(true)
    expect(mergePasses(passes, input.setup)).toBeNull()

    expect((await readPass(input, never, ignore)).data.regions?.names).toContain('North\nEast')
  })

  it('reads in one pass when a planned cut falls inside a quoted field', async () => {
    const lines = messyLines(100)
    // Most of the file is one quoted field, so the cut in the middle is inside it.
    lines[50] = `03/04/2024,"${'long\n'.repeat(5000)}region",Sales,100,5%`
    const input = await writeCsv(lines)
    const [first] = await readRanges(input, await planRanges(input.path, input.bytes, 2))
    expect(first?.endedInQuotes).toBe(true)
    const whole = await readPass(input, never, ignore)
    const threaded = await readPassOnThreads(input, { threads: 2, bytes: input.bytes }, never, ignore)
    expect(view(threaded)).toEqual(view(whole))
    expect(threaded.parts).toBe(1)
  })

  it('folds a later range\'s new groups into the overflow bucket once the limit is reached, as one pass does', async () => {
    const lines = [
      '01/01/2024,A,Sales,1,1%', '01/01/2024,B,Sales,2,1%', '01/02/2024,C,Sales,3,1%',
      '01/02/2024,A,Sales,4,1%', '01/03/2024,D,Sales,5,1%', '01/03/2024,E,Sales,6,1%', '01/04/2024,D,Sales,7,1%'
    ]
    const input = { ...await writeCsv(lines), setup: setup(3) }
    const whole = await readPass(input, never, ignore)
    expect(whole.data.regions?.names).toEqual(['A', 'B', 'C', OVERFLOW_GROUP])
    const text = await import('node:fs/promises').then(fs => fs.readFile(input.path, 'utf8'))
    const cut = Buffer.byteLength(text.slice(0, text.indexOf('01/02/2024,A')))
    const merged = mergePasses(await readRanges(input, [{ start: 0, end: cut, header: true }, { start: cut, end: input.bytes, header: false }]), input.setup)
    expect(view(merged as PassOutput)).toEqual(view(whole))
    expect(merged?.data.regions?.overflowRows).toBe(3)
  })

  it('refuses a later range that overflowed on its own (its bucket may hold groups one pass tracks)', async () => {
    const lines = ['01/01/2024,A,Sales,1,1%', '01/02/2024,B,Sales,2,1%', '01/02/2024,C,Sales,3,1%', '01/03/2024,A,Sales,4,1%']
    const input = { ...await writeCsv(lines), setup: setup(2) }
    const text = await import('node:fs/promises').then(fs => fs.readFile(input.path, 'utf8'))
    const cut = Buffer.byteLength(text.slice(0, text.indexOf('01/02/2024,B')))
    const passes = await readRanges(input, [{ start: 0, end: cut, header: true }, { start: cut, end: input.bytes, header: false }])
    expect(passes[1]?.data.regions?.overflowRows).toBeGreaterThan(0)
    expect(mergePasses(passes, input.setup)).toBeNull()
  })

  it('merges a group that stops appearing hundreds of dates before the end', async () => {
    const lines: string[] = []
    for (let day = 0; day < 1200; day++) {
      const date = new Date(Date.UTC(2020, 0, 1 + day)).toISOString().slice(0, 10)
      lines.push(`${date},Nord,Sales,${day},1%`)
      if (day < 10 || (day >= 600 && day < 610)) lines.push(`${date},Early,Support,1,2%`)
    }
    const input = await writeCsv(lines)
    const whole = await readPass(input, never, ignore)
    const merged = mergePasses(await readRanges(input, await planRanges(input.path, input.bytes, 2)), input.setup)
    expect(merged).not.toBeNull()
    expect(view(merged as PassOutput)).toEqual(view(whole))
    expect(merged?.data.regions?.sums.every(sums => sums.every(Number.isFinite))).toBe(true)
  })

  it('refuses more distinct dates than one pass keeps as text', async () => {
    const lines: string[] = []
    for (let day = 0; day < 5200; day++) lines.push(`${new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(0, 10)},Nord,Sales,1,1%`)
    const input = await writeCsv(lines)
    const passes = await readRanges(input, await planRanges(input.path, input.bytes, 2))
    expect(passes.every(pass => pass.data.settled === undefined)).toBe(true)
    expect(mergePasses(passes, input.setup)).toBeNull()
  })
})

describe('readPassOnThreads', () => {
  it('reads on two threads to the same result as one pass', async () => {
    const input = await writeCsv(messyLines(5000))
    const whole = await readPass(input, never, ignore)
    const seen: number[] = []
    const threaded = await readPassOnThreads(input, { threads: 2, bytes: input.bytes }, never, bytes => seen.push(bytes))
    expect(view(threaded)).toEqual(view(whole))
    expect(threaded.parts).toBe(2)
    expect(seen.at(-1)).toBe(input.bytes)
  })
})
