/** Shared by every benchmark: machine facts, percentiles, process RSS, and appending results to BENCHMARKS.md. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

const BENCHMARKS = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
const LOCK = fileURLToPath(new URL('../../.bench.lock', import.meta.url))

export function machine (): string {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  return `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average at start ${load}`
}

export function percentile (values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

/** Resident set size of a process in bytes, from /proc (works for child processes too). */
export function rssOf (pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : Number.NaN
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export function table (header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * Prints the section and appends it to BENCHMARKS.md with the date, command and machine. The
 * append holds `.bench.lock`, so benchmarks run side by side never interleave their sections.
 */
export function record (title: string, command: string, body: string, startedMachine: string): void {
  const section = `\n## ${title}\n\n- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n- Command: \`${command}\`\n- Machine: ${startedMachine}\n\n${body}\n`
  console.log(section)
  execFileSync('flock', [LOCK, 'sh', '-c', 'cat >> "$1"', 'append', BENCHMARKS], { input: section })
}
