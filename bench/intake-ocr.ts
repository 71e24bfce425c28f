/**
 * Intake OCR benchmark: a scanned PDF (no text layer; 300 DPI JPEG pages with scanner
 * speckle) through the real server over HTTP, with offline tesseract.js. Reports seconds per
 * page and the server's peak RSS, and RSS against the page being read, to show memory is flat
 * in page count. Usage: `node bench/intake-ocr.ts [pages …] [--untuned]` (default 30 60);
 * `--untuned` also runs without the glibc malloc settings, for comparison; `--no-record` skips
 * BENCHMARKS.md (smoke runs).
 */
import { writeFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeScannedPdf } from '../test/fixtures/intake/make-documents.ts'
import { measureIntakeJob, memorySummary, type JobMeasurement } from './intake-measure.ts'
import { MALLOC_TUNING, MALLOC_TUNING_LABEL } from './support/image-env.ts'
import { machine, record, table } from './support/report.ts'

const args = process.argv.slice(2)
const pageCounts = args.filter(arg => /^\d+$/.test(arg)).map(Number)
if (pageCounts.length === 0) pageCounts.push(30, 60)
const compareUntuned = args.includes('--untuned')
const startedMachine = machine()

const WORDS = 'the quick brown fox jumps over a lazy dog while an invoice of amount due waits for payment by the customer account holder before the end of the month'.split(' ')
const pageLines = (page: number) => Array.from({ length: 36 }, (_, line) =>
  Array.from({ length: 11 }, (_, word) => WORDS[(page * 7 + line * 5 + word * 3) % WORDS.length]).join(' '))

const dir = await mkdtemp(join(tmpdir(), 'stagecast-ocr-bench-'))
const rows: Array<Array<string | number>> = []
const flatness: string[] = []
try {
  for (const pages of pageCounts) {
    const file = join(dir, `scan-${pages}.pdf`)
    await writeFile(file, await makeScannedPdf(Array.from({ length: pages }, (_, page) => pageLines(page)), { dpi: 300, format: 'jpeg' }))
    const megabytes = (await stat(file)).size / 1e6
    const variants: Array<[string, Record<string, string>]> = [[MALLOC_TUNING_LABEL, MALLOC_TUNING]]
    if (compareUntuned) variants.push(['glibc defaults', {}])
    for (const [label, env] of variants) {
      console.error(`OCR benchmark: ${pages} pages (${megabytes.toFixed(0)} MB), ${label}…`)
      const run = await measureIntakeJob(file, { OCR_ENGINE: 'tesseract', ...env }, ['rendering', 'ocr'])
      if (run.status !== 'completed') throw new Error(`the job ended ${run.status}`)
      rows.push(describeRun(pages, megabytes, label, run))
      flatness.push(`${pages} pages, ${label}: ${rssAlongTheDocument(run, pages)}`)
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}

function describeRun (pages: number, megabytes: number, label: string, run: JobMeasurement): Array<string | number> {
  const ocrSeconds = run.stageSeconds.ocr ?? Number.NaN
  const pagesRead = (run.result as { documents: Array<{ pages: Array<{ source: string, text: string }> }> }).documents[0]!.pages.filter(page => page.source === 'ocr' && page.text.length > 0).length
  return [
    pages, `${megabytes.toFixed(1)} MB`, label, `${pagesRead}/${pages}`,
    `${(ocrSeconds / pages).toFixed(2)} s`, `${run.totalSeconds.toFixed(0)} s`,
    `${run.idleRssMb.toFixed(0)} MB`, `${run.peakRssMb.toFixed(0)} MB ${run.peakRssMb < 400 ? '✓' : '✗'} < 400 MB`
  ]
}

/** RSS at each tenth of the document, per stage: flat means the last tenth is no higher than the first. */
function rssAlongTheDocument (run: JobMeasurement, pages: number): string {
  return [...run.rssByPage].map(([stage, byPage]) => {
    const points: string[] = []
    for (let tenth = 1; tenth <= 10; tenth++) {
      const upTo = Math.round(pages * tenth / 10)
      const seen = [...byPage].filter(([page]) => page <= upTo && page > Math.round(pages * (tenth - 1) / 10)).map(([, rss]) => rss)
      if (seen.length) points.push(`p${upTo} ${Math.max(...seen).toFixed(0)}`)
    }
    return `${stage}: ${points.join(', ')} MB`
  }).join('; ')
}

const body = [
  'A scanned PDF (300 DPI JPEG pages, no text layer) uploaded to the real server',
  '(`bench/intake-server.ts`: `buildApp` + the intake pipeline + `createAdapters`) and read with',
  'offline tesseract.js. Each page is one picture, so it takes the scan fast path (the picture is',
  'shrunk to 200 DPI grey directly, not painted through a canvas); all pages are rendered before OCR',
  'starts, so the page reader and the OCR engine are never in memory together. Peak RSS is the server',
  'process\'s VmHWM, which covers every thread (HTTP, page-reader worker, OCR worker).',
  `Memory: ${memorySummary()}.`,
  '',
  table(['pages', 'file', 'malloc', 'pages with text', 'OCR s/page', 'total', 'idle RSS', 'peak RSS'], rows),
  '',
  'Server RSS while rendering and reading pages (highest 250 ms sample in each tenth of the document):',
  '',
  ...flatness.map(line => `- ${line}`)
].join('\n')

if (!args.includes('--no-record')) record('Intake: scanned PDF through OCR', `node bench/intake-ocr.ts${args.length ? ' ' + args.join(' ') : ''}`, body, startedMachine)
console.log(body)
