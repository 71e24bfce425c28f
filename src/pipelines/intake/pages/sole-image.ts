/**
 * Most scanned PDF pages are one upright picture and nothing else. For those the picture is
 * taken straight from pdfjs's decoded image and shrunk to the OCR resolution here, instead of
 * being painted through a canvas: pdfjs would first copy it into a canvas of its own size, then
 * scale that onto the page canvas — for a 300 DPI A4 scan ~85 MB more at the page reader's
 * peak, which is what decides whether a long scan stays under 400 MB. Anything else on the
 * page (text, vector graphics, several images, rotation, a crop) goes the canvas way.
 */
import { OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'

/** Operators a page may hold besides its one picture and still be "just a scan". */
const HARMLESS = new Set<number>([OPS.dependency, OPS.save, OPS.restore, OPS.transform, OPS.beginMarkedContent, OPS.beginMarkedContentProps, OPS.endMarkedContent])
/** The picture must fill at least this share of the page, or its position matters. */
const MIN_COVERAGE = 0.9

interface DecodedImage { width: number, height: number, kind: number, data?: Uint8Array | Uint8ClampedArray }

export interface SoleImage {
  image: DecodedImage & { data: Uint8Array | Uint8ClampedArray }
  /** The picture's size on the page, in points. */
  widthPoints: number
  heightPoints: number
}

/** The page's only picture, decoded, when the page is nothing but that picture; else null. */
export async function findSoleImage (page: PDFPageProxy): Promise<SoleImage | null> {
  if (page.rotate % 360 !== 0) return null
  const { fnArray, argsArray } = await page.getOperatorList()
  let matrix = [1, 0, 0, 1, 0, 0]
  const saved: number[][] = []
  let found: { objId: string, matrix: number[] } | null = null
  for (const [index, op] of fnArray.entries()) {
    const args = argsArray[index] as unknown[] | null
    if (op === OPS.paintImageXObject) {
      if (found || typeof args?.[0] !== 'string') return null
      found = { objId: args[0], matrix }
    } else if (op === OPS.save) {
      saved.push(matrix)
    } else if (op === OPS.restore) {
      matrix = saved.pop() ?? matrix
    } else if (op === OPS.transform) {
      matrix = multiply(matrix, args as number[])
    } else if (!HARMLESS.has(op)) {
      return null
    }
  }
  if (!found) return null
  const [a = 0, b = 0, c = 0, d = 0] = found.matrix
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view
  const pageWidth = x1 - x0
  const pageHeight = y1 - y0
  // Upright (no rotation, skew or flip) and filling the page.
  if (b !== 0 || c !== 0 || a <= 0 || d <= 0 || a * d < MIN_COVERAGE * pageWidth * pageHeight) return null
  const objects = found.objId.startsWith('g_') ? page.commonObjs : page.objs
  // Decoded images arrive after the operator list: wait for this one.
  const objId = found.objId
  const image = await new Promise<DecodedImage | null>(resolve => { objects.get(objId, (data: unknown) => resolve(data as DecodedImage | null)) })
  if (!image?.data || ![1, 2, 3].includes(image.kind)) return null
  return { image: image as SoleImage['image'], widthPoints: a, heightPoints: d }
}

/** The image as 8-bit grey, shrunk by area averaging to `width`×`height` (never enlarged). */
export function shrinkToGrey (image: SoleImage['image'], width: number, height: number): Uint8Array {
  const grey = toGrey(image)
  if (width >= image.width && height >= image.height) return grey
  const out = new Uint8Array(width * height)
  const xStarts = Array.from({ length: width + 1 }, (_, x) => Math.floor(x * image.width / width))
  for (let y = 0; y < height; y++) {
    const top = Math.floor(y * image.height / height)
    const bottom = Math.max(top + 1, Math.floor((y + 1) * image.height / height))
    for (let x = 0; x < width; x++) {
      const left = xStarts[x]!
      const right = Math.max(left + 1, xStarts[x + 1]!)
      let sum = 0
      for (let row = top; row < bottom; row++) {
        const offset = row * image.width
        for (let column = left; column < right; column++) sum += grey[offset + column]!
      }
      out[y * width + x] = sum / ((bottom - top) * (right - left))
    }
  }
  return out
}

/** pdfjs's decoded kinds: 1 = 1 bit per pixel (1 is white, rows byte-aligned), 2 = RGB, 3 = RGBA. */
function toGrey ({ width, height, kind, data }: SoleImage['image']): Uint8Array {
  const grey = new Uint8Array(width * height)
  if (kind === 1) {
    const rowBytes = (width + 7) >> 3
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) grey[y * width + x] = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0
    }
    return grey
  }
  const step = kind === 2 ? 3 : 4
  for (let pixel = 0, at = 0; pixel < width * height; pixel++, at += step) {
    grey[pixel] = ((data[at]! * 299) + (data[at + 1]! * 587) + (data[at + 2]! * 114)) / 1000
  }
  return grey
}

function multiply (m: number[], n: number[]): number[] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = m
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = n
  return [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d, e2 * a + f2 * c + e, e2 * b + f2 * d + f]
}
