import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ArrivingUpload } from '../../jobs/arriving-upload.ts'
import type { JobInput } from '../../jobs/model.ts'
import { startArrivingRead } from './arriving-read.ts'
import { readOptions } from './options.ts'
import { readPass } from './read-pass.ts'
import { planRead } from './read-plan.ts'
import { sniffFile } from './sniff.ts'

const dirs: string[] = []
afterEach(async () => { for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true }) })

/** Daily sales with two unreadable amounts, one in each half of the file. */
function salesCsv (rows: number): string {
  const lines = ['Date,Region,Revenue']
  for (let row = 0; row < rows; row++) {
    const day = new Date(Date.UTC(2022, 0, 1 + Math.floor(row * 700 / rows))).toISOString().slice(0, 10)
    const amount = row === 1000 || row === rows - 1000 ? 'n/a' : ((row * 7919) % 100_000 / 100).toFixed(2)
    lines.push(`${day},${['North', 'South', 'East'][row % 3]},${amount}`)
  }
  return lines.join('\n') + '\n'
}

/**
 * An upload arriving on disk in pieces, as the receiver writes it: the file grows while the read
 * runs, and `complete` resolves with the input once the last piece is written.
 */
async function arrivingFile (content: string, pieces: number, { failAfter = Number.POSITIVE_INFINITY } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'arriving-read-'))
  dirs.push(dir)
  const path = join(dir, '1.upload')
  const bytes = Buffer.from(content)
  const pieceBytes = Math.ceil(bytes.length / pieces)
  await writeFile(path, bytes.subarray(0, pieceBytes))
  const { promise: complete, resolve, reject } = Promise.withResolvers<JobInput>()
  complete.catch(() => {})
  const state = { complete: false }
  const file = { name: 'sales.csv', path, type: 'text/csv', bytes: bytes.length }
  const upload: ArrivingUpload = {
    expectedBytes: bytes.length,
    get input () { return { files: [file], fields: {} } },
    get isComplete () { return state.complete },
    complete,
    bytesOnDisk: async () => (await stat(path)).size,
    async whenBytes (wanted) {
      while (!state.complete && (await stat(path)).size < wanted) await Promise.race([complete, new Promise(resolve => setTimeout(resolve, 2))])
    },
    whileArriving: async () => await complete,
    close: () => {}
  }
  const sending = (async () => {
    for (let start = pieceBytes, piece = 1; start < bytes.length; start += pieceBytes, piece++) {
      await new Promise(resolve => setTimeout(resolve, 5))
      if (piece === failAfter) return reject(new Error('The client went away'))
      await appendFile(path, bytes.subarray(start, start + pieceBytes))
    }
    state.complete = true
    resolve({ files: [file], fields: {} })
  })()
  return { path, upload, sending }
}

describe('the read of an arriving file', () => {
  it('on two threads, gives what one pass over the whole file gives, warnings at their true rows', async () => {
    const rows = 60_000
    const content = salesCsv(rows)
    const { path, upload, sending } = await arrivingFile(content, 40)
    const plan = planRead(await sniffFile(path, true), path, readOptions({}))
    const progress: number[] = []
    const read = startArrivingRead(plan, upload, new AbortController().signal, { threadMinBytes: 64 * 1024, threads: 2 })
    read.follow((_bytes, rowsRead) => progress.push(rowsRead))
    const [arriving] = await Promise.all([read.pass, sending])

    const whole = await readPass({ ...plan.input, arriving: false }, new AbortController().signal, () => {})
    expect(arriving.parts).toBe(2)
    expect(arriving.rows).toBe(rows)
    expect(arriving.data.dataRows).toBe(whole.data.dataRows)
    expect(arriving.data.tokens).toEqual(whole.data.tokens)
    expect(Array.from(arriving.data.sums, value => Math.round(value * 100))).toEqual(Array.from(whole.data.sums, value => Math.round(value * 100)))
    expect(arriving.data.regions?.names).toEqual(whole.data.regions?.names)
    expect(arriving.data.badCells).toEqual([2])
    expect(arriving.warnings.kept.map(warning => warning.row)).toEqual(whole.warnings.kept.map(warning => warning.row))
    expect(arriving.warnings.kept.map(warning => warning.row)).toEqual([1002, rows - 998])
    // Both parts reported: the sum of their rows reached the whole file.
    expect(Math.max(...progress)).toBe(rows)
  }, 30_000)

  it('stops both threads when the upload fails part-way and the job is stopped', async () => {
    const { path, upload, sending } = await arrivingFile(salesCsv(60_000), 40, { failAfter: 30 })
    const plan = planRead(await sniffFile(path, true), path, readOptions({}))
    const job = new AbortController()
    const read = startArrivingRead(plan, upload, job.signal, { threadMinBytes: 64 * 1024, threads: 2 })
    // As the runner does when the upload ends the job.
    upload.complete.catch(() => job.abort(new Error('The client went away')))
    await sending
    await expect(read.pass).rejects.toThrow('The client went away')
  }, 30_000)
})
