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

/**
 * A thread and the writes it owes. Each thread keeps its own: a thread that was ended (idle, or a
 * cancelled write) reports its exit a little later, when the next report may already be waiting
 * on a new thread, and that exit must fail only what the ended thread was writing.
 */
interface WriterThread { worker: Worker, pending: Map<number, Pending> }

let writer: WriterThread | null = null
let idleTimer: NodeJS.Timeout | undefined
let nextId = 1
let queue: Promise<unknown> = Promise.resolve()

function startWriter (): WriterThread {
  const worker = new Worker(new URL('./report-worker.ts', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  const started: WriterThread = { worker, pending: new Map() }
  const failAll = (error: unknown) => {
    if (writer === started) writer = null
    for (const waiting of started.pending.values()) waiting.reject(error)
    started.pending.clear()
  }
  worker.on('message', (reply: PdfWriterReply) => {
    const waiting = started.pending.get(reply.id)
    started.pending.delete(reply.id)
    if (reply.ok) waiting?.resolve()
    else waiting?.reject(new Error(reply.message))
  })
  worker.on('error', failAll)
  worker.on('exit', code => failAll(new Error(`The PDF writer stopped (exit code ${code}) before report.pdf was finished.`)))
  return started
}

async function writeNow (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  clearTimeout(idleTimer)
  const thread = writer ?? (writer = startWriter())
  const id = nextId++
  const onAbort = () => {
    if (writer === thread) writer = null
    // Ending the thread rejects this write through its `exit` handler.
    void thread.worker.terminate()
  }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject: error => reject(signal.aborted ? signal.reason : error) })
      thread.worker.postMessage({ id, report, path })
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
    endWhenIdleFor(IDLE_MS)
  }
}

function endWhenIdleFor (ms: number): void {
  clearTimeout(idleTimer)
  idleTimer = setTimeout(endReportPdfWriter, ms)
}

/**
 * Ends the thread now (the idle timer calls it once no write has come for a while). A write it
 * was doing fails; the next write starts a new thread.
 */
export function endReportPdfWriter (): void {
  clearTimeout(idleTimer)
  const idle = writer
  writer = null
  void idle?.worker.terminate()
}

/**
 * Starts the thread ahead of the report that will need it: the forecasts before it run on the
 * main thread and leave a core free, so pdfkit loads there meanwhile instead of after them. A
 * thread nobody writes with ends after WARM_IDLE_MS.
 */
export function warmReportPdfWriter (): void {
  if (writer) return
  writer = startWriter()
  endWhenIdleFor(WARM_IDLE_MS)
}

export function writeReportPdfInThread (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  const written = queue.then(() => writeNow(report, path, signal))
  queue = written.catch(() => undefined)
  return written
}
