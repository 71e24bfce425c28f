/**
 * The default export: one CSV row per submission in `DATA_DIR/exports/submissions.csv`
 * (RFC 4180, UTF-8). When a submission brings a column the file lacks, the file is rewritten
 * once, streaming, with the wider header; earlier rows get empty cells in the new columns.
 * Cells that a spreadsheet would run as a formula are prefixed with `'` (CSV injection). The
 * location reported is relative to DATA_DIR, never a server path.
 */
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { appendFile, mkdir, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import Papa from 'papaparse'
import { dataDirRelative } from '../data-dir-relative.ts'
import { createSerialQueue } from '../serial-queue.ts'
import { alignRow } from './align-row.ts'
import type { ExportResult, SheetExporter } from './types.ts'

const NEWLINE = '\r\n'

export function createLocalCsvExporter (dataDir: string): SheetExporter {
  const file = join(dataDir, 'exports', 'submissions.csv')
  const serial = createSerialQueue()
  return {
    provider: 'local',
    appendRow (cells, { signal }) {
      return serial(async (): Promise<ExportResult> => {
        signal.throwIfAborted()
        await mkdir(join(dataDir, 'exports'), { recursive: true })
        const existing = await readHeader(file)
        const safeCells = cells.map(([column, value]) => [neutraliseFormula(column), neutraliseFormula(value)] as const)
        const { header, row, headerChanged } = alignRow(existing ?? [], safeCells)
        if (existing === null) await appendFile(file, toCsvLine(header))
        else if (headerChanged) await rewriteWithHeader(file, header)
        await appendFile(file, toCsvLine(row))
        return { provider: 'local', location: dataDirRelative(dataDir, file), header, row }
      })
    }
  }
}

/** A signed plain number (`-12.50`, `+31201234567`) is data, not a formula: left as it is. */
export function neutraliseFormula (cell: string): string {
  if (/^[+-]\d+([.,]\d+)?$/.test(cell)) return cell
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
}

const toCsvLine = (cells: readonly string[]) => Papa.unparse([cells], { newline: NEWLINE }) + NEWLINE

async function readHeader (file: string): Promise<string[] | null> {
  const size = await stat(file).then(s => s.size, () => null)
  if (!size) return null
  const parsed = await new Promise<string[]>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(file, { encoding: 'utf8' }), {
      preview: 1,
      complete: results => resolve(results.data[0] ?? []),
      error: reject
    })
  })
  return parsed
}

/** Streams the file into a sibling with the new header and padded rows, then swaps it in. */
async function rewriteWithHeader (file: string, header: readonly string[]): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  const out = createWriteStream(temporary, { encoding: 'utf8' })
  out.write(toCsvLine(header))
  let first = true
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(file, { encoding: 'utf8' }), {
      skipEmptyLines: true,
      step: (result, parser) => {
        if (first) { first = false; return }
        const padded = [...result.data, ...Array<string>(Math.max(0, header.length - result.data.length)).fill('')]
        // Rows were neutralised when first written; write them back as they are.
        if (!out.write(toCsvLine(padded))) {
          parser.pause()
          out.once('drain', () => parser.resume())
        }
      },
      complete: () => resolve(),
      error: reject
    })
  })
  out.end()
  await once(out, 'finish')
  await rename(temporary, file)
}
