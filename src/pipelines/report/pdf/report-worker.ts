/** Worker-thread entry for write-in-thread.ts: writes the report it was started with, then says so. */
import { parentPort, workerData } from 'node:worker_threads'
import type { ReportDocument } from '../result.ts'
import { writeReportPdf } from './report.ts'

const { report, path } = workerData as { report: ReportDocument, path: string }
// Never aborted here: cancelling the job terminates the thread.
await writeReportPdf(report, path, new AbortController().signal)
parentPort?.postMessage('done')
