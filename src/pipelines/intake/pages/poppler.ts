/**
 * The second renderer, for pages holding an image too large to decode whole within the memory
 * budget. pdfjs decodes an image completely before it can scale it (its own downscaling, for
 * `canvasMaxAreaInBytes`, needs OffscreenCanvas, which Node lacks, and runs after the decode), so
 * such images are left out of its rendering (`maxImageSize`, checked against the image
 * dictionary's width × height before decoding). Poppler's `pdftoppm` scales images while it
 * reads them, row by row, so its memory stays small whatever the image's decoded size (the
 * figures are in BENCHMARKS.md, "Memory").
 *
 * Optional: without poppler-utils installed, the page is read without the image and says so.
 * Runs inside the page-reader worker only; the child's address space and run time are bounded.
 */
import { execFile } from 'node:child_process'
import { rename } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** pdftoppm's own memory besides the page it renders (libraries, its image buffers). */
const POPPLER_BASE_KB = 96 * 1024
const TIMEOUT_MS = 120_000

let available: Promise<boolean> | undefined

export function popplerAvailable (): Promise<boolean> {
  available ??= run('pdftoppm', ['-v']).then(() => true, () => false)
  return available
}

/** Renders one page to a PNG of exactly `width`×`height`; false when poppler failed or is absent. */
export async function renderWithPoppler (pdfPath: string, pageNumber: number, size: { width: number, height: number }, outPath: string): Promise<boolean> {
  if (!await popplerAvailable()) return false
  const prefix = outPath.replace(/\.png$/, '')
  // The rendered page in grey and RGB, plus poppler's base: an address-space cap (`ulimit -v`)
  // keeps a hostile page from taking more than the page budget it replaces.
  const limitKb = POPPLER_BASE_KB + Math.ceil((size.width * size.height * 4) / 1024)
  try {
    await run('/bin/sh', ['-c', 'ulimit -v "$0" && exec pdftoppm -gray -png -singlefile -f "$1" -l "$1" -scale-to-x "$2" -scale-to-y "$3" "$4" "$5"',
      String(limitKb), String(pageNumber), String(size.width), String(size.height), pdfPath, prefix], { timeout: TIMEOUT_MS, killSignal: 'SIGKILL' })
    if (prefix + '.png' !== outPath) await rename(prefix + '.png', outPath)
    return true
  } catch {
    return false
  }
}
