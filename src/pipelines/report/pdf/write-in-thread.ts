/**
 * Writes report.pdf on a worker thread. pdfkit lays out text and subsets the embedded font in
 * synchronous runs of a few hundred milliseconds, which on the main thread would hold up every
 * request and progress stream meanwhile; on a thread the server stays responsive, pdfkit and its
 * font tables are released with the thread instead of staying resident, and a heap limit bounds
 * what one report can take.
 *
 * One thread writes the reports of this process one after another and ends when none has come
 * for IDLE_MS: starting it (loading pdfkit and the font) costs about as much as writing a
 * report, which a burst of small reports would otherwise pay every time. A cancelled write ends
 * the thread; the next report starts a new one.
 */
import { Worker } from 'node:worker_threads'
import type { ReportDocument } from '../result.ts'

/** A report's layout needs a few MB of heap; the font tables ~40 MB. */
const HEAP_LIMIT_MB = 192
/** Small: the thread lives beside the forecasts, at the report's memory peak, and a layout's garbage is little. */
const YOUNG_GENERATION_MB = 8
const IDLE_MS = 2000
/** How long a thread started ahead of its report waits for it (the forecasts of many groups take seconds). */
const WARM_IDLE_MS = 15_000

export type PdfWriterReply = { id: number, ok: true } | { id: number, ok: false, message: string }

interface Pending { resolve: () => void, reject: (error: unknown) => void }

let worker: Worker | null = null
let idleTimer: NodeJS.Timeout | undefined
let nextId = 1
const pending = new Map<number, Pending>()
let queue: Promise<unknown> = Promise.resolve()

function startWorker (): Worker {
  const started = new Worker(new URL('./report-worker.ts', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  const failAll = (error: unknown) => {
    if (worker === started) worker = null
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
  }
  started.on('message', (reply: PdfWriterReply) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (reply.ok) waiting?.resolve()
    else waiting?.reject(new Error(reply.message))
  })
  started.on('error', failAll)
  started.on('exit', code => failAll(new Error(`The PDF writer stopped (exit code ${code}) before report.pdf was finished.`)))
  return started
}

async function writeNow (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  clearTimeout(idleTimer)
  const thread = worker ?? (worker = startWorker())
  const id = nextId++
  const onAbort = () => {
    if (worker === thread) worker = null
    // Ending the thread rejects this write through its `exit` handler.
    void thread.terminate()
  }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject: error => reject(signal.aborted ? signal.reason : error) })
      thread.postMessage({ id, report, path })
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
    endWhenIdleFor(IDLE_MS)
  }
}

function endWhenIdleFor (ms: number): void {
  clearTimeout(idleTimer)
  idleTimer = setTimeout(() => {
    const idle = worker
    worker = null
    void idle?.terminate()
  }, ms)
}

/**
 * Starts the thread ahead of the report that will need it: the forecasts before it run on the
 * main thread and leave a core free, so pdfkit loads there meanwhile instead of after them. A
 * thread nobody writes with ends after WARM_IDLE_MS.
 */
export function warmReportPdfWriter (): void {
  if (worker) return
  worker = startWorker()
  endWhenIdleFor(WARM_IDLE_MS)
}

export function writeReportPdfInThread (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  const written = queue.then(() => writeNow(report, path, signal))
  queue = written.catch(() => undefined)
  return written
}
