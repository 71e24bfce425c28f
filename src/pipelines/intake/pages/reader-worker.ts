/**
 * Entry point of the page-reader child process (see page-reader.ts for why it is isolated).
 * Holds at most one open document and answers one request at a time, in order.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { ImageSource } from './image-source.ts'
import { DocumentOpenError } from './open-error.ts'
import { openPdf } from './pdf-source.ts'
import { IMAGE_LEFT_OUT_WARNING, type ReaderReply, type ReaderRequest } from './protocol.ts'

type Source = Awaited<ReturnType<typeof openPdf>> | ImageSource

/** pdfjs reports removed images and repaired files only through console.warn: collect them. */
const pdfjsWarnings: string[] = []
const userFacingWarnings: Array<[RegExp, string]> = [
  [/Image exceeded maximum allowed size/, IMAGE_LEFT_OUT_WARNING],
  [/Indexing all PDF objects/, 'The PDF\'s internal structure is damaged; it was repaired while reading, so some content may be missing.']
]
console.warn = (...args: unknown[]) => {
  const line = args.map(String).join(' ')
  const known = userFacingWarnings.find(([pattern]) => pattern.test(line))
  if (known && !pdfjsWarnings.includes(known[1])) pdfjsWarnings.push(known[1])
}
const takeWarnings = () => pdfjsWarnings.splice(0)

let source: Source | null = null

/**
 * A page's decoded images (35 MB for a 300 DPI A4 scan) are garbage once it is rendered, but V8
 * only collects when its own heap asks; collecting after each big page keeps the next page's
 * peak from stacking on the last one's leftovers. The flag is set at run time and `gc` taken
 * from a fresh context, so the reader's command line carries its heap limits alone.
 */
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void
/**
 * A full collection costs a few hundred milliseconds whatever the page, so small pages are
 * collected after them together: once the pixels rendered since the last one reach an A4 page
 * at 200 DPI (a big page, or a failed one, still gets one at once).
 */
const COLLECT_AFTER_PIXELS = 1654 * 2339
let pixelsSinceCollect = 0

async function handle (request: ReaderRequest): Promise<unknown> {
  switch (request.op) {
    case 'open':
      await source?.close()
      source = null
      pdfjsWarnings.length = 0
      source = request.kind === 'pdf'
        ? await openPdf(request.path, request.maxImagePixels, takeWarnings)
        // sharp (~22 MB) is loaded only for image files; PDFs never need it.
        : await (await import('./image-source.ts')).openImage(request.path, request.maxDecodePixels)
      return { pageCount: source.pageCount, warnings: takeWarnings() }
    case 'text':
      return requireSource().text(request.page)
    case 'render': {
      let pixels = COLLECT_AFTER_PIXELS
      try {
        const rendered = await requireSource().render(request.page, request)
        if (rendered.rendered) pixels = rendered.width * rendered.height
        return rendered
      } finally {
        pixelsSinceCollect += pixels
        if (pixelsSinceCollect >= COLLECT_AFTER_PIXELS) {
          collectGarbage()
          pixelsSinceCollect = 0
        }
      }
    }
  }
}

function requireSource (): Source {
  if (!source) throw new Error('No document is open in the page reader.')
  return source
}

const send = process.send?.bind(process)
if (!send) throw new Error('reader-worker.ts must run as a child process with an IPC channel.')
// The server went away (crash, SIGKILL): nothing is left to answer.
process.on('disconnect', () => process.exit(0))

let queue = Promise.resolve()
process.on('message', (message: { id: number, request: ReaderRequest }) => {
  queue = queue.then(async () => {
    let reply: ReaderReply
    try {
      reply = { id: message.id, ok: true, value: await handle(message.request) }
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error))
      reply = { id: message.id, ok: false, error: { name: err.name, message: err.message, ...(err instanceof DocumentOpenError ? { kind: err.kind } : {}) } }
    }
    send(reply)
  })
})
