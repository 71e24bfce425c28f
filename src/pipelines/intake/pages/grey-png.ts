/**
 * Writes a rendered page as an 8-bit greyscale PNG, reading the canvas a stripe of rows at a
 * time. OCR wants grey, and a grey PNG is a quarter of the RGBA bytes in every copy tesseract
 * makes of it (measured: ~80 MB less at the OCR engine's peak for an A4 page at 200 DPI);
 * converting stripe by stripe never holds a second full-page RGBA copy, and leaving sharp out
 * of the PDF path keeps its ~22 MB out of the page reader.
 */
import { writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { crc32, deflate } from 'node:zlib'

const deflateAsync = promisify(deflate)
const STRIPE_ROWS = 128

/** The part of a 2D context this needs (the @napi-rs/canvas context, pdfjs's canvas). */
export interface PixelSource {
  getImageData: (x: number, y: number, width: number, height: number) => { data: Uint8ClampedArray | Uint8Array }
}

export async function writeGreyPng (context: PixelSource, width: number, height: number, outPath: string): Promise<void> {
  const raw = Buffer.alloc((width + 1) * height)
  for (let top = 0; top < height; top += STRIPE_ROWS) {
    const rows = Math.min(STRIPE_ROWS, height - top)
    const { data } = context.getImageData(0, top, width, rows)
    for (let row = 0; row < rows; row++) {
      let out = (top + row) * (width + 1) + 1
      for (let x = 0, at = row * width * 4; x < width; x++, at += 4) {
        // ITU-R BT.601 luma, in integers: the page is opaque, so alpha is ignored.
        raw[out++] = ((data[at]! * 299) + (data[at + 1]! * 587) + (data[at + 2]! * 114)) / 1000
      }
    }
  }
  await writePng(raw, width, height, outPath)
}

/** Writes grey pixels (`width`×`height`, one byte each) as a PNG. */
export async function encodeGreyPng (grey: Uint8Array, width: number, height: number, outPath: string): Promise<void> {
  const raw = Buffer.alloc((width + 1) * height)
  for (let row = 0; row < height; row++) raw.set(grey.subarray(row * width, (row + 1) * width), row * (width + 1) + 1)
  await writePng(raw, width, height, outPath)
}

/** `raw`: each row of grey bytes preceded by its filter byte (0, none). */
async function writePng (raw: Buffer, width: number, height: number, outPath: string): Promise<void> {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit, greyscale, deflate, adaptive filtering, no interlace
  await writeFile(outPath, Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', await deflateAsync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0))
  ]))
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk (type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const framed = Buffer.alloc(8 + data.length + 4)
  framed.writeUInt32BE(data.length, 0)
  typeAndData.copy(framed, 4)
  framed.writeUInt32BE(crc32(typeAndData), 8 + data.length)
  return framed
}
