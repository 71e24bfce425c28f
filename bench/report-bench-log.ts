/**
 * Shared by the report benchmarks: prints a table and appends a dated section, with the machine
 * and its load, to BENCHMARKS.md under the repository's bench lock.
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

const BENCHMARKS = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
const LOCK = fileURLToPath(new URL('../.bench.lock', import.meta.url))

export function table (rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length))
  return ['| what | value |', '|---|---|', ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`)].join('\n')
}

export function machine (): string {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`
  const load = loadavg().map(value => value.toFixed(2)).join(' ')
  return `${availableParallelism()} cores (nproc), ${gib(totalmem())} memory, ${gib(freemem())} free; node ${process.version}; load average at start ${load}` +
    (loadavg()[0]! > 0.5 ? ' (other engineers\' test runs share this machine: figures include that load)' : '')
}

export function appendSection (title: string, command: string, body: string): void {
  const section = `\n## ${title}\n\n${new Date().toISOString()} · \`${command}\`\n\nMachine: ${machine()}\n\n${body}\n`
  execFileSync('flock', [LOCK, 'sh', '-c', 'cat >> "$0"', BENCHMARKS], { input: section })
}
