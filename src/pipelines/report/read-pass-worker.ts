/**
 * Worker-thread entry for read-pass-thread.ts: runs the read pass on the input it was started
 * with, posts progress at most every PROGRESS_MS and once more at the end, then the result with
 * its buffers moved, not copied. A failure surfaces as the worker's `error` event. For a file
 * still being uploaded the parent sends where the read ends once that is known.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { transferables } from './aggregate-data.ts'
import { readPass, type PassInput, type PassOutput } from './read-pass.ts'

export type PassMessage =
  | { type: 'progress', bytesRead: number, rows: number }
  | { type: 'done', output: PassOutput }

/**
 * From the parent, for a file still being uploaded: where this thread's read ends, once known —
 * the file's final size, or where the next thread's part begins.
 */
export interface FinalBytesMessage { type: 'final-bytes', bytes: number }

const PROGRESS_MS = 50

const post = (message: PassMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(message, transfer)

let finalBytes: number | undefined
parentPort?.on('message', (message: FinalBytesMessage) => { finalBytes = message.bytes })

let lastPost = 0
let latest: PassMessage = { type: 'progress', bytesRead: 0, rows: 0 }
// Never aborted here: cancelling a job terminates the thread.
const output = await readPass(workerData as PassInput, new AbortController().signal, (bytesRead, rows) => {
  latest = { type: 'progress', bytesRead, rows }
  const now = performance.now()
  if (now - lastPost < PROGRESS_MS) return
  lastPost = now
  post(latest)
}, () => finalBytes)
parentPort?.removeAllListeners('message')
post(latest)
post({ type: 'done', output }, transferables(output.data))
