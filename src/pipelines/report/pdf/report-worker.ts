/**
 * Worker-thread entry for write-in-thread.ts: writes each report it is sent, in order, and
 * answers with the request's id. Cancelling a write ends the thread, so nothing aborts here.
 */
import { parentPort } from 'node:worker_threads'
import type { ReportDocument } from '../result.ts'
import { writeReportPdf } from './report.ts'
import type { PdfWriterReply } from './write-in-thread.ts'

const port = parentPort
if (!port) throw new Error('report-worker.ts must run as a worker thread.')

let queue = Promise.resolve()
port.on('message', ({ id, report, path }: { id: number, report: ReportDocument, path: string }) => {
  queue = queue.then(async () => {
    let reply: PdfWriterReply
    try {
      await writeReportPdf(report, path, new AbortController().signal)
      reply = { id, ok: true }
    } catch (error) {
      reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) }
    }
    port.postMessage(reply)
  })
})
