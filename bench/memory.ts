/**
 * Memory benchmark (issue 11): the hostile corpus (test/memory/corpus.ts) through the real server
 * (`src/server.ts`, defaults, default JOB_CONCURRENCY) with NO glibc malloc settings
 * (GLIBC_MALLOC_TUNING=false, none in the environment): peak RSS of the server's process tree per document, each on a fresh
 * server, then the whole corpus two at a time on one server. No cgroup here: the server plans
 * from MEMORY_LIMIT_MB's default of 512, as it would on a 512 MB host. Target: peak < 400 MB.
 *
 * Usage: `npm run bench:memory [-- names…] [--pairs-only] [--tuned] [--no-record]` (names: corpus file names,
 * default all; `--pairs-only` skips the runs of one document each; `--tuned` adds one more two-at-a-time run as `npm start` runs by default, with the
 * glibc malloc settings it applies to itself, for comparison).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeCorpus } from '../test/memory/corpus.ts'
import { peakRssOf, runAll, startServer, watchServer, type JobOutcome } from '../test/memory/drive.ts'
import { machine, record, table } from './support/report.ts'

const args = process.argv.slice(2)
const only = args.filter(arg => !arg.startsWith('--'))
const startedMachine = machine()
const TARGET_MB = 400
const ENV = { GLIBC_MALLOC_TUNING: 'false', LOG_LEVEL: 'warn' }

const dir = await mkdtemp(join(tmpdir(), 'stagecast-memory-bench-'))
const rows: Array<Array<string | number>> = []
try {
  console.error('generating the corpus…')
  const corpus = await writeCorpus(dir, only.length > 0 ? new Set(only) : undefined)
  const measure = async (label: string, paths: string[], parallel: number, env: Record<string, string> = ENV) => {
    const server = await startServer({ ...env, DATA_DIR: join(dir, `data-${rows.length}`) })
    const pid = server.process.pid as number
    const idle = peakRssOf(pid)
    const watch = watchServer(server, () => pid)
    const started = performance.now()
    let outcomes: JobOutcome[]
    try {
      outcomes = await runAll(server.url, paths, parallel, 1_800_000)
    } finally {
      watch.stop()
    }
    const peakMb = watch.peakRss() / 1e6
    await server.stop()
    const ended = outcomes.map(outcome => `${outcome.status}${outcome.code ? ` (${outcome.code})` : ''}`)
    rows.push([
      label,
      parallel === 1 ? ended.join(', ') : `${outcomes.filter(outcome => outcome.status === 'completed').length} completed, ${outcomes.filter(outcome => outcome.status === 'failed').length} failed, ${outcomes.filter(outcome => !['completed', 'failed'].includes(outcome.status)).length} other`,
      `${((performance.now() - started) / 1000).toFixed(0)} s`,
      `${Math.round(watch.slowestHealthMs())} ms`,
      `${(idle / 1e6).toFixed(0)} MB`,
      `${peakMb.toFixed(0)} MB ${peakMb < TARGET_MB ? '✓' : '✗'} < ${TARGET_MB} MB`
    ])
    console.error(rows.at(-1)?.join(' | '))
  }
  for (const document of args.includes('--pairs-only') ? [] : corpus) {
    const megabytes = (await stat(document.path)).size / 1e6
    await measure(`${document.name} (${megabytes.toFixed(1)} MB)`, [document.path], 1)
  }
  if (corpus.length > 1) await measure(`all ${corpus.length}, two at a time`, corpus.map(document => document.path), 2)
  if (corpus.length > 1 && args.includes('--tuned')) {
    await measure(`all ${corpus.length}, two at a time, for comparison WITH the malloc settings npm start applies`, corpus.map(document => document.path), 2, { LOG_LEVEL: 'warn' })
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}

const body = `The hostile corpus of issue 11 (\`test/memory/corpus.ts\`: a 9000×9000 RGB Flate image page, a
200×200-inch page, a 2400-DPI A4 grey scan, a 2400-DPI A4 CCITT G4 page, 300 small scanned pages
(4×1-inch 300-DPI JPEG strips of text), a CSV with a 5 MB cell, a CSV with a million distinct
regions, a 50 MB file that is one line) uploaded to the real server (\`src/server.ts\`, default
settings, JOB_CONCURRENCY = cores) **without** glibc malloc settings (GLIBC_MALLOC_TUNING=false),
offline OCR. No cgroup: the server plans from MEMORY_LIMIT_MB=512. Peak RSS is the whole process
tree's: the server's VmHWM (every thread), or, sampled every 50 ms, the server's RSS plus the peak
of each child process (page readers, OCR engines, pdftoppm), whichever is higher; /health is polled
every 250 ms and "slowest /health" is the slowest of those answers.

${table(['upload', 'job', 'time', 'slowest /health', 'idle RSS', 'peak RSS'], rows)}`

if (args.includes('--no-record')) console.log(body)
else record('Memory: the hostile corpus without malloc settings', `npm run bench:memory${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`, body, startedMachine)
