/**
 * Offline OCR with tesseract.js and the English model shipped in @tesseract.js-data/eng.
 * Nothing is fetched at run time: without `langPath` tesseract.js downloads the model from a
 * CDN and, offline, crashes the process with an error nothing can catch.
 *
 * One engine per process, pages read one at a time in arrival order (tesseract.js runs one job
 * at a time per worker anyway). Its WebAssembly heap grows to the largest page it has seen and
 * never shrinks, so the worker is terminated and started afresh every `recycleAfterPages` (pages
 * counted by their pixels, as shares of an A4 page at 200 DPI), and
 * ended when no page has come for `idleTimeoutMs` (~100–170 MB given back between jobs; a
 * restart costs about a second).
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Worker } from 'tesseract.js'
import type { Logger } from '../../logger.ts'
import type { Ocr, OcrPageImage, OcrResult } from './types.ts'

export interface TesseractOptions {
  recycleAfterPages: number
  /** Start-up (model load) and per-page limits; past them the worker is replaced. */
  startTimeoutMs: number
  pageTimeoutMs: number
  idleTimeoutMs: number
  log: Logger
}

/** An A4 page at 200 DPI, the size `recycleAfterPages` counts in. */
const REFERENCE_PAGE_PIXELS = 1654 * 2339
const MIN_PAGE_WEIGHT = 0.1

const languageDataPath = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int')

export function createTesseractOcr (options: TesseractOptions): Ocr {
  let worker: Promise<Worker> | null = null
  let pagesInWorker = 0
  let queue: Promise<unknown> = Promise.resolve()
  let waiting = 0
  let idleTimer: NodeJS.Timeout | undefined
  let closed = false

  const stopWorker = async () => {
    const current = worker
    worker = null
    pagesInWorker = 0
    if (current) await current.then(w => w.terminate(), () => undefined)
  }

  const startWorker = async () => {
    // Loaded on the first scanned page, so a server that never reads a scan never holds the module.
    const { createWorker, OEM } = await import('tesseract.js')
    const starting = createWorker('eng', OEM.LSTM_ONLY, {
      langPath: languageDataPath,
      gzip: true,
      cacheMethod: 'none',
      // Without a handler, a failed job is rethrown inside tesseract.js where nothing can catch it.
      errorHandler: (error: unknown) => options.log.warn({ err: error }, 'tesseract worker reported an error')
    })
    try {
      return await withTimeout(starting, options.startTimeoutMs, 'Starting the OCR engine')
    } catch (error) {
      // A start that finishes after the timeout must not leave a worker thread behind.
      starting.then(late => late.terminate(), () => undefined)
      throw error
    }
  }

  const recognizeNow = async (image: OcrPageImage, signal: AbortSignal): Promise<OcrResult> => {
    signal.throwIfAborted()
    if (closed) throw new Error('The OCR engine has been shut down.')
    if (worker && pagesInWorker >= options.recycleAfterPages) await stopWorker()
    worker ??= startWorker()
    let engine: Worker
    try {
      engine = await worker
    } catch (error) {
      worker = null
      throw error
    }
    // Its heap grows with the largest page, so a page counts by its pixels (small pages barely).
    pagesInWorker += Math.max(MIN_PAGE_WEIGHT, (image.width * image.height) / REFERENCE_PAGE_PIXELS)
    try {
      // Tesseract accepts 70–2400 DPI and warns on anything else (a heavily downscaled page).
      await engine.setParameters({ user_defined_dpi: String(Math.min(2400, Math.max(70, image.dpi))) })
      const { data } = await withTimeout(engine.recognize(image.path, {}, { text: true }), options.pageTimeoutMs, 'Reading the page')
      const text = data.text.trim()
      return { text, confidence: text ? round(data.confidence / 100) : null }
    } catch (error) {
      // A worker that failed or timed out is in an unknown state: never reuse it.
      await stopWorker()
      throw error instanceof Error ? error : new Error(String(error))
    }
  }

  return {
    engine: 'tesseract',
    recognize (image, { signal }) {
      clearTimeout(idleTimer)
      waiting++
      const result = queue.then(() => recognizeNow(image, signal))
      queue = result.catch(() => undefined).finally(() => {
        if (--waiting === 0 && !closed) idleTimer = setTimeout(() => { stopWorker().catch(() => undefined) }, options.idleTimeoutMs)
      })
      return result
    },
    async release () {
      await queue
      if (waiting === 0) {
        clearTimeout(idleTimer)
        await stopWorker()
      }
    },
    async close () {
      closed = true
      clearTimeout(idleTimer)
      await queue
      await stopWorker()
    }
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000

async function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s.`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
