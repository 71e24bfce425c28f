/**
 * Offline OCR with tesseract.js and the English model shipped in @tesseract.js-data/eng.
 * Nothing is fetched at run time: without `langPath` tesseract.js downloads the model from a
 * CDN and, offline, crashes the process with an error nothing can catch.
 *
 * One engine per process, pages read one at a time in arrival order (tesseract.js runs one job
 * at a time per worker anyway). The engine runs in a child process (tesseract-process.ts): its
 * WebAssembly heap grows to the largest page it has seen and never shrinks, and what its thread
 * allocates natively stays in the server's malloc arenas after the thread ends (measured: tens of
 * MB kept per OCR job), while a process that exits gives back everything. So the engine is ended
 * and started afresh every `recycleAfterPages` (pages counted by their pixels, as shares of an
 * A4 page at 200 DPI), when a job's pages are read (`release`), and when no page has come for
 * `idleTimeoutMs`; a restart costs about a second.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '../../logger.ts'
import type { OcrReply } from './tesseract-protocol.ts'
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
const ENGINE_ENTRY = fileURLToPath(new URL('./tesseract-process.ts', import.meta.url))

/** The OCR child process, ready to read pages. */
interface Engine {
  read: (path: string, dpi: number) => Promise<OcrResult>
  terminate: () => Promise<void>
}

/** Forks the engine; `ready` settles once its model is loaded, `terminate` ends it at any point. */
function startEngine (): { ready: Promise<Engine>, terminate: () => Promise<void> } {
  const child: ChildProcess = fork(ENGINE_ENTRY, [languageDataPath], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let nextId = 1
  const pending = new Map<number, { resolve: (result: OcrResult) => void, reject: (error: Error) => void }>()
  let exited = false
  const gone = new Promise<void>(resolve => child.once('exit', () => { exited = true; resolve() }))
  const terminate = async () => {
    if (!exited) child.kill('SIGKILL')
    await gone
  }
  const ready = new Promise<Engine>((resolve, reject) => {
    const failAll = (error: Error) => {
      reject(error)
      for (const page of pending.values()) page.reject(error)
      pending.clear()
    }
    child.on('error', failAll)
    child.on('exit', (code, signal) => failAll(new Error(`The OCR engine stopped (${signal ?? `exit code ${code}`}).`)))
    child.on('message', (message) => {
      const reply = message as OcrReply
      if (reply.type === 'ready') {
        resolve({
          terminate,
          read: (path, dpi) => new Promise((resolve, reject) => {
            if (exited) return reject(new Error('The OCR engine has stopped.'))
            const id = nextId++
            pending.set(id, { resolve, reject })
            child.send({ id, path, dpi })
          })
        })
      } else if (reply.type === 'failed') {
        failAll(new Error(reply.message))
      } else {
        const page = pending.get(reply.id)
        pending.delete(reply.id)
        if (!page) return
        if (reply.ok) page.resolve({ text: reply.text.trim(), confidence: reply.text.trim() ? round(reply.confidence / 100) : null })
        else page.reject(new Error(reply.message))
      }
    })
  })
  return { ready, terminate }
}

export function createTesseractOcr (options: TesseractOptions): Ocr {
  let worker: Promise<Engine> | null = null
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
    const starting = startEngine()
    try {
      return await withTimeout(starting.ready, options.startTimeoutMs, 'Starting the OCR engine')
    } catch (error) {
      // A start that fails or times out must not leave a process behind.
      await starting.terminate()
      throw error
    }
  }

  const recognizeNow = async (image: OcrPageImage, signal: AbortSignal): Promise<OcrResult> => {
    signal.throwIfAborted()
    if (closed) throw new Error('The OCR engine has been shut down.')
    if (worker && pagesInWorker >= options.recycleAfterPages) await stopWorker()
    worker ??= startWorker()
    let engine: Engine
    try {
      engine = await worker
    } catch (error) {
      worker = null
      throw error
    }
    // Its heap grows with the largest page, so a page counts by its pixels (small pages barely).
    pagesInWorker += Math.max(MIN_PAGE_WEIGHT, (image.width * image.height) / REFERENCE_PAGE_PIXELS)
    try {
      return await withTimeout(engine.read(image.path, image.dpi), options.pageTimeoutMs, 'Reading the page')
    } catch (error) {
      // An engine that failed or timed out is in an unknown state: never reuse it.
      options.log.warn({ err: error }, 'the OCR engine failed on a page; it is replaced')
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
