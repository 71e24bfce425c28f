/**
 * Entry point of the OCR child process (see tesseract.ts for why OCR runs in one): tesseract
 * with the English model at `argv[2]`, pages read one at a time, in order. It says `ready` once
 * the model is loaded; it exits when the server closes the channel.
 *
 * tesseract.js's `createWorker` would start a worker thread inside this process, a second V8
 * isolate with its own malloc arena for nothing, resident at every page's peak. Its
 * worker script is driven here on the main thread instead, with the same Node adapter its
 * thread entry (`src/worker-script/node/index.js`, tesseract.js 7) installs.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { OcrReply, OcrRequest } from './tesseract-protocol.ts'

interface Packet { workerId: string, jobId: string, action: string, payload: unknown }
interface Response { status: 'resolve' | 'reject' | 'progress', data: unknown }
interface WorkerScript {
  setAdapter: (adapter: object) => void
  dispatchHandlers: (packet: Packet, send: (response: Response) => void) => void
}

const send = process.send?.bind(process)
if (!send) throw new Error('tesseract-process.ts must run as a child process with an IPC channel.')
process.on('disconnect', () => process.exit(0))
const reply = (message: OcrReply) => { send(message) }

const load = createRequire(import.meta.url)
const engine = load('tesseract.js/src/worker-script/index.js') as WorkerScript
engine.setAdapter({
  getCore: load('tesseract.js/src/worker-script/node/getCore.js'),
  gunzip: load('tesseract.js/src/worker-script/node/gunzip.js'),
  fetch,
  ...load('tesseract.js/src/worker-script/node/cache.js')
})

let jobs = 0
function call (action: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    engine.dispatchHandlers({ workerId: 'ocr', jobId: `job-${jobs++}`, action, payload }, response => {
      if (response.status === 'resolve') resolve(response.data)
      else if (response.status === 'reject') reject(new Error(String(response.data)))
    })
  })
}

const LSTM_ONLY = 1

try {
  await call('load', { options: { lstmOnly: true, logging: false } })
  await call('loadLanguage', { langs: 'eng', options: { langPath: process.argv[2] as string, cacheMethod: 'none', gzip: true, lstmOnly: true } })
  await call('initialize', { langs: 'eng', oem: LSTM_ONLY })
  let queue = Promise.resolve()
  process.on('message', (request: OcrRequest) => {
    queue = queue.then(async () => {
      try {
        // Tesseract accepts 70–2400 DPI and warns on anything else (a heavily downscaled page).
        await call('setParameters', { params: { user_defined_dpi: String(Math.min(2400, Math.max(70, request.dpi))) } })
        const image = new Uint8Array(await readFile(request.path))
        const data = await call('recognize', { image, options: {}, output: { text: true } }) as { text: string, confidence: number }
        reply({ type: 'page', id: request.id, ok: true, text: data.text, confidence: data.confidence })
      } catch (error) {
        reply({ type: 'page', id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) })
      }
    })
  })
  reply({ type: 'ready' })
} catch (error) {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}
