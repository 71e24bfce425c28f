/**
 * The abuse benchmark: the CI abuse run (bench/abuse-run.ts) at a larger size — thousands of
 * mutations and idle streams, a thousand slowloris heads — printed as a table and appended to
 * BENCHMARKS.md. `node bench/abuse.ts [seed]`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ABUSE_SETTINGS, runAbuse, type AbuseReport } from './abuse-run.ts'
import { machine, record } from './support/report.ts'

const seed = Number(process.argv[2] ?? 20_251_123)
const SIZES = { mutations: 3000, garbage: 300, slowloris: 1000, slowUploads: 100, stalledUploads: 100, idleStreams: 5000, concurrency: 32, seed, normalJobTimeoutMs: 600_000 }

function rows (report: AbuseReport): Array<[string, string]> {
  const statuses = (counts: Record<string, number>) => Object.entries(counts).map(([status, count]) => `${status}×${count}`).join(', ')
  const held = (name: keyof AbuseReport['held'], setting: string) => {
    const { count, cut, maxMs, statuses: answers } = report.held[name]
    return [`${name} (${count})`, `${cut}/${count} cut, the last after ${(maxMs / 1000).toFixed(1)} s (${setting}); answers ${statuses(answers)}`] as [string, string]
  }
  return [
    ['malformed, hostile and mutated requests', `${report.requests}; answers ${statuses(report.statuses)}`],
    ['problems: unclean answers, connections held too long, failed probes (must be 0)', String(report.problems.length)],
    ['answered 500 (clean, but should be 4xx)', `${report.serverErrors.length}${report.serverErrors.length ? ` — e.g. ${[...new Set(report.serverErrors.map(name => name.replace(/\d+/g, 'N')))].slice(0, 3).join('; ')}` : ''}`],
    held('slowloris', `HEADERS_TIMEOUT_SECONDS=${ABUSE_SETTINGS.HEADERS_TIMEOUT_SECONDS}`),
    held('slow uploads', `REQUEST_TIMEOUT_SECONDS=${ABUSE_SETTINGS.REQUEST_TIMEOUT_SECONDS}`),
    held('stalled uploads', `IDLE_TIMEOUT_SECONDS=${ABUSE_SETTINGS.IDLE_TIMEOUT_SECONDS}`),
    ['idle event streams', `${report.streams.opened} opened, ${report.streams.failed} failed; ≈${report.streams.rssPerStreamKiB} KiB RSS each while held`],
    ['server RSS', `idle ${report.rss.idleMiB} MiB, peak ${report.rss.peakMiB} MiB, after ${report.rss.afterMiB} MiB`],
    ['/health during the run', `${report.health.probes} probes, ${report.health.failures} failed; p50 ${report.health.p50Ms} ms, p99 ${report.health.p99Ms} ms, max ${report.health.maxMs} ms`],
    ['normal job afterwards', `${report.normalJob.status} in ${(report.normalJob.ms / 1000).toFixed(1)} s (${report.normalJob.events} events)`],
    ['server still up', report.serverAlive ? 'yes' : 'NO'],
    ['error-level log lines', String(report.errorLogLines)],
    ['time per part', Object.entries(report.phases).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ')],
    ['total', `${(report.durationMs / 1000).toFixed(1)} s`]
  ]
}

const startedOn = machine()
const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-abuse-bench-'))
try {
  const report = await runAbuse(SIZES, dataDir)
  const table = ['| what | result |', '|---|---|', ...rows(report).map(([what, value]) => `| ${what} | ${value} |`)].join('\n')
  const settings = Object.entries(ABUSE_SETTINGS).map(([name, value]) => `${name}=${value}`).join(' ')
  const body = `Server: \`node src/server.ts\` on 127.0.0.1 with ${settings}. Sizes: ${JSON.stringify(SIZES)}.\n\n${table}` +
    (report.problems.length ? `\n\nProblems:\n${report.problems.map(problem => `- ${problem}`).join('\n')}` : '')
  record(`Abuse run: malformed uploads, slowloris, slow uploads, ${SIZES.idleStreams} idle streams`, `node bench/abuse.ts ${seed}`, body, startedOn)
  process.exitCode = report.problems.length === 0 && report.serverAlive ? 0 : 1
} finally {
  await rm(dataDir, { recursive: true, force: true })
}
