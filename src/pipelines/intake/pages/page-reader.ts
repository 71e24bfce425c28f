/**
 * The pipeline's handle on the page reader, a child process: open a document, read a page's
 * text layer, render a page for OCR. Isolation is the point. pdfjs keeps every byte it loaded and
 * its caches for as long as a document is open, and native canvas/libvips memory is only given
 * back when its owner goes away; so the reader is replaced every `recycleAfterPages` pages (a
 * page counted by its pixels, see REFERENCE_PAGE_PIXELS)
 * (reopening the document where it was) and memory stays flat however long the document is.
 * It is a process, not a worker thread, because a thread's native allocations stay in glibc's
 * malloc arenas after the thread ends, under every job that follows (BENCHMARKS.md, "Memory");
 * a process that exits gives back everything.
 * A page that crashes the reader (out of memory, a decoder bug) fails alone: the next call
 * starts a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { DocumentKind, OpenedDocument, OpenFailureKind, PageText, ReaderReply, ReaderRequest, RenderedPage, RenderRequest } from './protocol.ts'

export interface PageReaderOptions {
  recycleAfterPages: number
  /** V8 heap limit of the reader; pdfjs's own objects live there (buffers and wasm do not). */
  heapLimitMb: number
  /** Embedded PDF images above this many pixels are left out rather than decoded. */
  maxImagePixels: number
  /** Image files above this many pixels are skipped rather than decoded. */
  maxDecodePixels: number
}

export class DocumentOpenFailure extends Error {
  readonly kind: OpenFailureKind
  constructor (kind: OpenFailureKind, message: string) {
    super(message)
    this.name = 'DocumentOpenFailure'
    this.kind = kind
  }
}

/** A small young generation (3 MB semi-spaces): pdfjs makes few short-lived objects, and each MB here stays resident. */
const SEMI_SPACE_MB = 3

const READER_ENTRY = fileURLToPath(new URL('./reader-worker.ts', import.meta.url))

/**
 * Reading a text layer decodes no images: it counts as a twentieth of a rendered page towards
 * recycling (restarting the worker costs ~0.5 s, which every 10 text pages would dominate).
 */
const TEXT_PAGE_WEIGHT = 0.05

/**
 * A rendered page counts towards recycling by its pixels, as a share of an A4 page at 200 DPI:
 * what a page leaves behind grows with its pixels, while a restart costs the same for any page,
 * so 300 receipt-sized scans need not restart the worker 30 times.
 */
const REFERENCE_PAGE_PIXELS = 1654 * 2339

interface Pending { resolve: (value: unknown) => void, reject: (error: Error) => void }

export class PageReader {
  readonly #options: PageReaderOptions
  readonly #signal: AbortSignal
  #worker: ChildProcess | null = null
  #pending = new Map<number, Pending>()
  #nextId = 1
  #document: { path: string, kind: DocumentKind } | null = null
  #pagesInWorker = 0

  constructor (options: PageReaderOptions, signal: AbortSignal) {
    this.#options = options
    this.#signal = signal
    signal.addEventListener('abort', () => { this.close().catch(() => undefined) }, { once: true })
  }

  async open (path: string, kind: DocumentKind): Promise<OpenedDocument> {
    this.#document = { path, kind }
    return this.#openInWorker()
  }

  async text (page: number): Promise<PageText> {
    await this.#beforePage(TEXT_PAGE_WEIGHT)
    return await this.#call({ op: 'text', page }) as PageText
  }

  async render (page: number, options: Omit<RenderRequest, 'op' | 'page'>): Promise<RenderedPage> {
    await this.#beforePage(0)
    const rendered = await this.#call({ op: 'render', page, ...options }) as RenderedPage
    this.#pagesInWorker += rendered.rendered ? Math.max(TEXT_PAGE_WEIGHT, (rendered.width * rendered.height) / REFERENCE_PAGE_PIXELS) : 1
    return rendered
  }

  /** Ends the reader; safe to call twice and while a request is in flight (it is rejected). */
  async close (): Promise<void> {
    const child = this.#worker
    this.#worker = null
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  async #openInWorker (): Promise<OpenedDocument> {
    if (!this.#document) throw new Error('PageReader: open a document first.')
    const { maxImagePixels, maxDecodePixels } = this.#options
    this.#pagesInWorker = 0
    return await this.#call({ op: 'open', ...this.#document, maxImagePixels, maxDecodePixels }) as OpenedDocument
  }

  /** `weight`: how much of a rendered page's memory this operation leaves behind. */
  async #beforePage (weight: number): Promise<void> {
    if (this.#worker && this.#pagesInWorker >= this.#options.recycleAfterPages) await this.close()
    if (!this.#worker) await this.#openInWorker()
    this.#pagesInWorker += weight
  }

  #call (request: ReaderRequest): Promise<unknown> {
    this.#signal.throwIfAborted()
    const worker = this.#worker ?? this.#startWorker()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.send({ id, request })
    })
  }

  #startWorker (): ChildProcess {
    const worker = fork(READER_ENTRY, [], {
      execArgv: [`--max-old-space-size=${this.#options.heapLimitMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    worker.on('message', (message) => {
      const reply = message as ReaderReply
      const pending = this.#pending.get(reply.id)
      if (!pending) return
      this.#pending.delete(reply.id)
      if (reply.ok) pending.resolve(reply.value)
      else if (reply.error.kind) pending.reject(new DocumentOpenFailure(reply.error.kind, reply.error.message))
      else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }))
    })
    const failAll = (error: Error) => {
      if (this.#worker === worker) this.#worker = null
      for (const pending of this.#pending.values()) pending.reject(error)
      this.#pending.clear()
    }
    worker.on('error', failAll)
    worker.on('exit', (code, signal) => {
      const reason = this.#signal.aborted
        ? this.#signal.reason as Error
        : new Error(`The page reader stopped (${signal ?? `exit code ${code}`}) while working on this page.`)
      failAll(reason)
    })
    this.#worker = worker
    return worker
  }
}
