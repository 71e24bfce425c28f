/**
 * Chooses the resolution a page is rendered at for OCR: the target DPI when the page fits the
 * pixel budget, less when it does not. Memory for rendering and OCR grows with pixels, so the
 * budget, not the page's declared size, decides how big the image gets.
 */

/** Below this, body text is too small for OCR to read reliably: the caller warns. */
export const MIN_READABLE_DPI = 100

export interface RenderSize {
  /** Factor from the page's units to pixels. */
  scale: number
  width: number
  height: number
  /** Effective resolution of the image, in dots per inch of the page. */
  dpi: number
  downscaled: boolean
}

/**
 * `width`/`height` in `unitsPerInch` (72 for PDF points; an image's own DPI for pixels).
 * Returns null for a page with no usable size.
 */
export function chooseRenderSize (width: number, height: number, options: { unitsPerInch: number, targetDpi: number, maxPixels: number, allowUpscale: boolean }): RenderSize | null {
  if (!(width > 0 && height > 0) || !Number.isFinite(width * height)) return null
  const wanted = options.targetDpi / options.unitsPerInch
  const fitting = Math.sqrt(options.maxPixels / (width * height))
  let scale = Math.min(wanted, fitting)
  if (!options.allowUpscale) scale = Math.min(scale, 1)
  const pixelWidth = Math.max(1, Math.floor(width * scale))
  const pixelHeight = Math.max(1, Math.floor(height * scale))
  return {
    scale,
    width: pixelWidth,
    height: pixelHeight,
    dpi: Math.round(scale * options.unitsPerInch),
    downscaled: fitting < wanted && (options.allowUpscale || fitting < 1)
  }
}
