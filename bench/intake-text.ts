/**
 * Intake text benchmark: a PDF with a real text layer on every page through the real server
 * over HTTP. Reports pages per second for the text stage and the whole job, and peak RSS.
 * Usage: `node bench/intake-text.ts [pages]` (default 300); `--no-record` skips BENCHMARKS.md.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeTextPdf } from '../test/fixtures/intake/make-documents.ts'
import { measureIntakeJob, memorySummary } from './intake-measure.ts'
import { MALLOC_TUNING, MALLOC_TUNING_LABEL } from './support/image-env.ts'
import { machine, record, table } from './support/report.ts'

const args = process.argv.slice(2)
const pages = Number(args.find(arg => /^\d+$/.test(arg)) ?? 300)
const startedMachine = machine()

const page = (number: number) => [
  `Statement page ${number} — account 4410-${1000 + number}`,
  ...Array.from({ length: 40 }, (_, line) => `${line + 1}. 2024-0${1 + (line % 9)}-1${line % 10} transfer to NL91 ABNA 0417 1643 00, reference INV-${number}-${line}, amount € ${(line * 17.35).toFixed(2).replace('.', ',')}`),
  `Total due: € ${(number * 101.5).toFixed(2).replace('.', ',')}`
]

const dir = await mkdtemp(join(tmpdir(), 'stagecast-text-bench-'))
let body: string
try {
  const file = join(dir, `text-${pages}.pdf`)
  await writeFile(file, await makeTextPdf(Array.from({ length: pages }, (_, index) => page(index + 1))))
  const megabytes = (await stat(file)).size / 1e6
  console.error(`Text benchmark: ${pages} pages (${megabytes.toFixed(1)} MB)…`)
  const run = await measureIntakeJob(file, MALLOC_TUNING, ['text'])
  if (run.status !== 'completed') throw new Error(`the job ended ${run.status}`)
  const result = run.result as { documents: Array<{ pages: Array<{ source: string }>, extracted: { amounts: unknown[], dates: unknown[] } }> }
  const textPages = result.documents[0]!.pages.filter(p => p.source === 'text').length
  const textSeconds = run.stageSeconds.text ?? Number.NaN
  body = [
    'A PDF with a text layer on every page (42 lines each: dates, IBANs, references, amounts) uploaded',
    'to the real server (`bench/intake-server.ts`), read page by page with pdfjs-dist in the page-reader',
    `worker; ${MALLOC_TUNING_LABEL}. Memory: ${memorySummary()}.`,
    '',
    table(['what', 'value'], [
      ['file', `${pages} pages, ${megabytes.toFixed(1)} MB`],
      ['pages read from the text layer', `${textPages}/${pages}`],
      ['text stage', `${textSeconds.toFixed(1)} s — ${(pages / textSeconds).toFixed(0)} pages/s`],
      ['upload → complete (all ten stages)', `${run.totalSeconds.toFixed(1)} s — ${(pages / run.totalSeconds).toFixed(0)} pages/s`],
      ['extraction stage', `${(run.stageSeconds.extraction ?? Number.NaN).toFixed(2)} s (${result.documents[0]!.extracted.amounts.length} amounts, ${result.documents[0]!.extracted.dates.length} dates)`],
      ['server idle RSS', `${run.idleRssMb.toFixed(0)} MB`],
      ['server peak RSS', `${run.peakRssMb.toFixed(0)} MB`]
    ])
  ].join('\n')
} finally {
  await rm(dir, { recursive: true, force: true })
}

if (!args.includes('--no-record')) record('Intake: text PDF', `node bench/intake-text.ts${args.length ? ' ' + args.join(' ') : ''}`, body, startedMachine)
console.log(body)
