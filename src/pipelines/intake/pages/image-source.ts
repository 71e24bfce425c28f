/**
 * A PNG, JPEG or TIFF upload seen as a document of pages (TIFF scans often hold several).
 * Runs inside the page-reader worker only. sharp (libvips) reads the header without decoding,
 * and decodes in a streaming fashion while shrinking, so a 35000×35000 image is downscaled to
 * the pixel budget in ~150 MB rather than decoded whole (4.9 GB as RGBA).
 */
import sharp, { type Metadata } from 'sharp'
import { DocumentOpenError } from './open-error.ts'
import type { PageText, RenderedPage } from './protocol.ts'
import { chooseRenderSize } from './render-scale.ts'

// No cache: every page is read once; one libvips thread: the worker shares two cores with OCR.
sharp.cache(false)
sharp.concurrency(1)

/** Most scanners that do not record a resolution scan at 300 DPI; used for the DPI estimate only. */
const ASSUMED_SCAN_DPI = 300

export interface ImageSource {
  readonly pageCount: number
  text: (pageNumber: number) => Promise<PageText>
  render: (pageNumber: number, options: { targetDpi: number, maxPixels: number, outPath: string }) => Promise<RenderedPage>
  close: () => Promise<void>
}

export async function openImage (path: string, maxDecodePixels: number): Promise<ImageSource> {
  let metadata: Metadata
  try {
    metadata = await sharp(path, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw new DocumentOpenError('invalid', error instanceof Error ? error.message : String(error))
  }
  const pageCount = metadata.pages ?? 1

  const pageInfo = async (pageNumber: number) => {
    const page = pageCount > 1 ? await sharp(path, { page: pageNumber - 1, limitInputPixels: false }).metadata() : metadata
    // EXIF orientations 5–8 swap width and height once applied.
    const swapped = (page.orientation ?? 1) >= 5
    return {
      width: swapped ? page.height : page.width,
      height: swapped ? page.width : page.height,
      density: page.density && page.density > 72 ? page.density : ASSUMED_SCAN_DPI
    }
  }

  return {
    pageCount,
    async text (pageNumber) {
      const { width, height } = await pageInfo(pageNumber)
      return { text: '', width, height, warnings: [] }
    },
    async render (pageNumber, options) {
      const { width, height, density } = await pageInfo(pageNumber)
      if (width * height > maxDecodePixels) {
        return { rendered: false, warnings: [`Page ${pageNumber} is a ${width}×${height} pixel image, beyond the ${maxDecodePixels} pixel limit, and was skipped. Scan it at 300 DPI and upload it again.`] }
      }
      const size = chooseRenderSize(width, height, { unitsPerInch: density, allowUpscale: false, ...options })
      if (!size) return { rendered: false, warnings: [`Page ${pageNumber} has no usable size and was skipped.`] }
      await sharp(path, { page: pageNumber - 1, limitInputPixels: maxDecodePixels, sequentialRead: true })
        .rotate()
        .resize(size.width, size.height, { fit: 'fill' })
        .grayscale()
        .png({ compressionLevel: 6 })
        .toFile(options.outPath)
      const warnings = size.downscaled
        ? [`Page ${pageNumber} (${width}×${height} pixels) was downscaled to ${size.width}×${size.height} to stay within the pixel budget.`]
        : []
      return { rendered: true, path: options.outPath, width: size.width, height: size.height, dpi: size.dpi, warnings }
    },
    async close () {}
  }
}
