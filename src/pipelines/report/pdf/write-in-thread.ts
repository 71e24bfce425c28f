/**
 * Writes report.pdf on a worker thread. pdfkit lays out text and subsets the embedded font in
 * synchronous runs of a few hundred milliseconds, which on the main thread would hold up every
 * request and progress stream meanwhile; on a thread the server stays responsive, pdfkit and its
 * font tables are released with the thread instead of staying resident, and a heap limit bounds
 * what one report can take.
 */
import { Worker } from 'node:worker_threads'
import type { ReportDocument } from '../result.ts'

/** A report's layout needs a few MB of heap; the font tables ~40 MB. */
const HEAP_LIMIT_MB = 192
const YOUNG_GENERATION_MB = 16

export function writeReportPdfInThread (report: ReportDocument, path: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  const worker = new Worker(new URL('./report-worker.ts', import.meta.url), {
    workerData: { report, path },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  return new Promise<void>((resolve, reject) => {
    let finished = false
    const finish = (error?: unknown) => {
      if (finished) return
      finished = true
      signal.removeEventListener('abort', onAbort)
      worker.terminate().then(() => (error === undefined ? resolve() : reject(error)), reject)
    }
    const onAbort = () => finish(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    worker.on('message', () => finish())
    worker.on('error', error => finish(error))
    worker.on('exit', code => finish(new Error(`The PDF writer stopped (exit code ${code}) before report.pdf was finished.`)))
  })
}
