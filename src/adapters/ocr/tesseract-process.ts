/**
 * Entry point of the OCR child process (see tesseract.ts for why OCR runs in one): one
 * tesseract.js engine with the English model at `argv[2]`, pages read one at a time, in order.
 * It says `ready` once the model is loaded; it exits when the server closes the channel.
 */
import { createWorker, OEM } from 'tesseract.js'
import type { OcrRequest, OcrReply } from './tesseract-protocol.ts'

const send = process.send?.bind(process)
if (!send) throw new Error('tesseract-process.ts must run as a child process with an IPC channel.')
process.on('disconnect', () => process.exit(0))

const reply = (message: OcrReply) => { send(message) }

try {
  const engine = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: process.argv[2] as string,
    gzip: true,
    cacheMethod: 'none',
    // Without a handler, a failed job is rethrown inside tesseract.js where nothing can catch it.
    errorHandler: (error: unknown) => reply({ type: 'warning', message: error instanceof Error ? error.message : String(error) })
  })
  let queue = Promise.resolve()
  process.on('message', (request: OcrRequest) => {
    queue = queue.then(async () => {
      try {
        // Tesseract accepts 70–2400 DPI and warns on anything else (a heavily downscaled page).
        await engine.setParameters({ user_defined_dpi: String(Math.min(2400, Math.max(70, request.dpi))) })
        const { data } = await engine.recognize(request.path, {}, { text: true })
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
