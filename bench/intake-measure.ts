/**
 * Shared by the intake benchmarks: start the real server (bench/intake-server.ts) as a child
 * process, upload one document over HTTP, follow the job to its end, and sample the server's
 * memory from /proc the whole time — VmHWM for the peak (every thread, including the page
 * reader and OCR workers, lives in that one process), VmRSS against the page being read.
 */
import { execFileSync } from 'node:child_process'
import { openAsBlob, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild } from './support/child.ts'

const SERVER = fileURLToPath(new URL('./intake-server.ts', import.meta.url))

export interface JobMeasurement {
  status: string
  totalSeconds: number
  stageSeconds: Record<string, number>
  idleRssMb: number
  peakRssMb: number
  /** Per stage watched: highest VmRSS seen while each page (1-based) was being worked on. */
  rssByPage: Map<string, Map<number, number>>
  result: unknown
}

interface JobSnapshot { status: string, stage: string | null, message: string, stages: Array<{ name: string, startedAt: string | null, finishedAt: string | null }> }

function memoryOf (pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN)
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
}

export async function measureIntakeJob (file: string, env: Record<string, string>, pageStages: readonly string[]): Promise<JobMeasurement> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecast-intake-bench-'))
  const child = await startChild(SERVER, { PORT: '0', DATA_DIR: dataDir, MAX_PAGES: '1000', ...env }, 60_000)
  const pid = child.process.pid!
  try {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const idleRssMb = memoryOf(pid).rssMb
    const form = new FormData()
    form.append('pipeline', 'intake')
    form.append('file', await openAsBlob(file, { type: 'application/pdf' }), basename(file))
    const started = performance.now()
    const response = await fetch(`${child.url}/api/jobs`, { method: 'POST', body: form })
    if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`)
    const { id } = await response.json() as { id: string }

    const rssByPage = new Map(pageStages.map(stage => [stage, new Map<number, number>()]))
    let snapshot: JobSnapshot
    for (;;) {
      snapshot = await (await fetch(`${child.url}/api/jobs/${id}`)).json() as JobSnapshot
      const pages = rssByPage.get(snapshot.stage ?? '')
      const page = Number(/page (\d+) of/.exec(snapshot.message)?.[1])
      if (pages && page > 0) pages.set(page, Math.max(pages.get(page) ?? 0, memoryOf(pid).rssMb))
      if (!['queued', 'running'].includes(snapshot.status)) break
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    const totalSeconds = (performance.now() - started) / 1000
    const peakRssMb = memoryOf(pid).hwmMb
    const stageSeconds = Object.fromEntries(snapshot.stages
      .filter(stage => stage.startedAt && stage.finishedAt)
      .map(stage => [stage.name, (Date.parse(stage.finishedAt!) - Date.parse(stage.startedAt!)) / 1000]))
    const result = await (await fetch(`${child.url}/api/jobs/${id}/result`)).json() as unknown
    return { status: snapshot.status, totalSeconds, stageSeconds, idleRssMb, peakRssMb, rssByPage, result }
  } finally {
    await child.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Appends a section to BENCHMARKS.md under the shared lock, so concurrent benchmarks never interleave. */
export function memorySummary (): string {
  const free = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.replace(/\s+/g, ' ').trim() ?? ''
  return `free -h: ${free}`
}
