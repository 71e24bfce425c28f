/**
 * One PDF opened with pdfjs-dist, page by page. Runs inside the page-reader worker only.
 *
 * The file is handed to pdfjs through a range transport that reads from disk on demand instead
 * of as one Uint8Array: pdfjs keeps every byte it has loaded for the life of the document, so
 * with ranges it holds only the parts of a 100 MB scan that the pages read so far need — and
 * the worker is recycled every few pages, which bounds that too.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs'
import { encodeGreyPng, writeGreyPng } from './grey-png.ts'
import { DocumentOpenError } from './open-error.ts'
import { renderWithPoppler } from './poppler.ts'
import { IMAGE_LEFT_OUT_WARNING, type PageText, type RenderedPage } from './protocol.ts'
import { chooseRenderSize, MIN_READABLE_DPI, type RenderSize } from './render-scale.ts'
import { findSoleImage, shrinkToGrey, type SoleImage } from './sole-image.ts'

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))
// pdfjs takes these as URL-like prefixes and needs the trailing slash.
const assetPaths = {
  standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
  cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
  wasmUrl: join(pdfjsRoot, 'wasm') + '/'
}
const RANGE_CHUNK_BYTES = 256 * 1024

/** Serves pdfjs's byte-range requests from an open file handle. */
class FileRangeTransport extends pdfjs.PDFDataRangeTransport {
  readonly #file: FileHandle
  readonly #onError: (error: Error) => void

  constructor (file: FileHandle, length: number, onError: (error: Error) => void) {
    super(length, null)
    this.#file = file
    this.#onError = onError
  }

  override requestDataRange (begin: number, end: number): void {
    const chunk = new Uint8Array(end - begin)
    this.#file.read(chunk, 0, chunk.length, begin).then(
      () => this.onDataRange(begin, chunk),
      (error: Error) => this.#onError(error)
    )
  }
}

export interface PdfSource {
  readonly pageCount: number
  text: (pageNumber: number) => Promise<PageText>
  render: (pageNumber: number, options: { targetDpi: number, maxPixels: number, outPath: string }) => Promise<RenderedPage>
  close: () => Promise<void>
}

/** `takeWarnings` drains what pdfjs reported (it only logs) during the last operation. */
export async function openPdf (path: string, maxImagePixels: number, takeWarnings: () => string[]): Promise<PdfSource> {
  const file = await open(path, 'r')
  const { size } = await file.stat()
  let readError: Error | null = null
  const transport = new FileRangeTransport(file, size, error => { readError = error })
  const loadingTask = pdfjs.getDocument({
    range: transport,
    disableAutoFetch: true,
    disableStream: true,
    rangeChunkSize: RANGE_CHUNK_BYTES,
    maxImageSize: maxImagePixels,
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
    ...assetPaths
  })
  const close = async () => {
    await loadingTask.destroy()
    await file.close()
  }

  let document: pdfjs.PDFDocumentProxy
  try {
    document = await loadingTask.promise
  } catch (error) {
    await close()
    throw classifyOpenError(error, readError)
  }

  return {
    pageCount: document.numPages,
    async text (pageNumber) {
      const page = await document.getPage(pageNumber)
      try {
        const content = await page.getTextContent()
        const text = content.items.map(item => 'str' in item ? item.str + (item.hasEOL ? '\n' : '') : '').join('')
        const { width, height } = page.getViewport({ scale: 1 })
        return { text, width, height, warnings: takeWarnings() }
      } finally {
        page.cleanup()
      }
    },
    async render (pageNumber, options) {
      const page = await document.getPage(pageNumber)
      try {
        const base = page.getViewport({ scale: 1 })
        const size = chooseRenderSize(base.width, base.height, { unitsPerInch: 72, allowUpscale: true, ...options })
        if (!size) return { rendered: false, warnings: [`Page ${pageNumber} has no usable size (${base.width}×${base.height} points) and was skipped.`] }
        const sole = await findSoleImage(page)
        let output = sole ? await writeSoleImage(sole, options) : await paintPage(page, size, options.outPath)
        let warnings = takeWarnings()
        if (warnings.includes(IMAGE_LEFT_OUT_WARNING) && await renderWithPoppler(path, pageNumber, size, options.outPath)) {
          output = { width: size.width, height: size.height, dpi: size.dpi }
          warnings = [...warnings.filter(warning => warning !== IMAGE_LEFT_OUT_WARNING), `Page ${pageNumber} holds an image too large to decode whole within this server's memory budget; it was rendered with poppler, which shrinks the image while reading it.`]
        }
        if (output.dpi < MIN_READABLE_DPI) {
          warnings.push(`Page ${pageNumber} could only be read at ${output.dpi} DPI (a ${Math.round(base.width)}×${Math.round(base.height)} point page within the pixel budget, or a low-resolution scan); small text may be missed.`)
        }
        return { rendered: true, path: options.outPath, ...output, warnings }
      } finally {
        page.cleanup()
      }
    },
    close
  }
}

async function paintPage (page: pdfjs.PDFPageProxy, size: RenderSize, outPath: string) {
  const canvas = createCanvas(size.width, size.height)
  // pdfjs types its canvas parameter as the DOM's; @napi-rs/canvas is the Node implementation pdfjs itself uses.
  await page.render({ canvas: canvas as unknown as HTMLCanvasElement, viewport: page.getViewport({ scale: size.scale }) }).promise
  await writeGreyPng(canvas.getContext('2d'), size.width, size.height, outPath)
  // Shrinking the canvas frees its pixels now rather than whenever the GC gets to it.
  canvas.width = 1
  canvas.height = 1
  return { width: size.width, height: size.height, dpi: size.dpi }
}

/** The page's one picture at the OCR resolution, or at its own when that is lower. */
async function writeSoleImage (sole: SoleImage, options: { targetDpi: number, maxPixels: number, outPath: string }) {
  const wanted = chooseRenderSize(sole.widthPoints, sole.heightPoints, { unitsPerInch: 72, allowUpscale: true, ...options })!
  const scale = Math.min(1, wanted.width / sole.image.width, wanted.height / sole.image.height)
  const width = Math.max(1, Math.round(sole.image.width * scale))
  const height = Math.max(1, Math.round(sole.image.height * scale))
  await encodeGreyPng(shrinkToGrey(sole.image, width, height), width, height, options.outPath)
  return { width, height, dpi: Math.round(width / (sole.widthPoints / 72)) }
}

function classifyOpenError (error: unknown, readError: Error | null): Error {
  if (readError) return new DocumentOpenError('unreadable', readError.message)
  const name = error instanceof Error ? error.name : ''
  const message = error instanceof Error ? error.message : String(error)
  if (name === 'PasswordException') return new DocumentOpenError('encrypted', message)
  if (name === 'InvalidPDFException' || name === 'FormatError') return new DocumentOpenError('invalid', message)
  return new DocumentOpenError('unreadable', message)
}
