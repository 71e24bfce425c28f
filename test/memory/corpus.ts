/**
 * The hostile corpus of issue 11, generated on the spot (nothing binary in the repository):
 * each document is one that took the server past 512 MB or blocked it for minutes. Shared by
 * the 512 MB cgroup test and `npm run bench:memory`.
 *
 * - `giant-rgb-image.pdf`: one 9000×9000 RGB Flate image filling a page (243 MB decoded).
 * - `huge-page.pdf`: a 200×200-inch page of vector drawing, no text layer (rendered for OCR).
 * - `scan-2400dpi.pdf`: an A4 page that is one 8-bit grey Flate scan at 2400 DPI (557 MB decoded).
 * - `ccitt-monochrome.pdf`: an A4 page that is one 1-bit CCITT G4 scan at 2400 DPI.
 * - `scan-300-pages.pdf`: 300 small scanned pages (4×1 inch JPEG strips of printed text at
 *   300 DPI), the long-scan shape at a size OCR gets through in about a minute.
 * - `cell-5mb.csv`, `regions-1m.csv`, `single-line-50mb.csv`: the CSVs.
 *
 * The CCITT page needs `tiffcp` (Debian libtiff-tools) to put the G4 data in one strip.
 */
import { execFile } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { createDeflate } from 'node:zlib'
import { createCanvas } from '@napi-rs/canvas'
import sharp from 'sharp'
import { writeRawPdf, type RawImage } from './raw-pdf.ts'

const run = promisify(execFile)

export interface CorpusDocument {
  name: string
  path: string
  kind: 'intake' | 'report'
}

const A4_INCHES = [8.27, 11.69] as const

/** Deflates `height` rows of `rowBytes` bytes made by `fillRow`, never holding the whole image. */
async function deflateRows (rowBytes: number, height: number, fillRow: (row: Buffer, y: number) => void): Promise<Buffer> {
  const deflate = createDeflate({ level: 6 })
  const out: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => out.push(chunk))
  const ended = once(deflate, 'end')
  const batchRows = Math.max(1, Math.floor((1 << 20) / rowBytes))
  for (let y = 0; y < height; y += batchRows) {
    const rows = Math.min(batchRows, height - y)
    const batch = Buffer.alloc(rows * rowBytes)
    for (let r = 0; r < rows; r++) fillRow(batch.subarray(r * rowBytes, (r + 1) * rowBytes), y + r)
    if (!deflate.write(batch)) await once(deflate, 'drain')
  }
  deflate.end()
  await ended
  return Buffer.concat(out)
}

/** Scan-like content: white paper with dark "lines of text" (bars broken into words). */
function inkAt (x: number, y: number, lineHeight: number): boolean {
  const lineY = y % (lineHeight * 2)
  if (lineY >= lineHeight) return false
  const word = Math.floor(x / (lineHeight * 3))
  return (word * 7 + Math.floor(y / (lineHeight * 2))) % 5 !== 0 && x % (lineHeight * 3) < lineHeight * 2.4
}

export async function giantRgbImagePdf (path: string, size = 9000): Promise<void> {
  const data = await deflateRows(size * 3, size, (row, y) => {
    row.fill(255)
    for (let x = 0; x < size; x++) if (inkAt(x, y, 60)) row.fill(30, x * 3, x * 3 + 3)
  })
  const image: RawImage = { width: size, height: size, colorSpace: 'DeviceRGB', bitsPerComponent: 8, filter: 'FlateDecode', data }
  // Six pages as in the issue: a plain text-free page around the giant one.
  const small = await deflateRows(850, 1100, (row, y) => { row.fill(255); for (let x = 0; x < 850; x++) if (inkAt(x, y, 10)) row[x] = 20 })
  const plain: RawImage = { width: 850, height: 1100, colorSpace: 'DeviceGray', bitsPerComponent: 8, filter: 'FlateDecode', data: small }
  await writeRawPdf(path, [plain, image, plain, plain, plain, plain].map(img => ({ width: 612, height: 792, image: img })))
}

export async function hugePagePdf (path: string): Promise<void> {
  const side = 200 * 72
  let drawing = '0 0 0 rg\n'
  for (let y = 400; y < side - 400; y += 900) drawing += `200 ${y} ${side - 400} 300 re f\n`
  await writeRawPdf(path, [{ width: side, height: side, drawing }])
}

export async function scan2400DpiPdf (path: string): Promise<void> {
  const width = Math.round(A4_INCHES[0] * 2400)
  const height = Math.round(A4_INCHES[1] * 2400)
  const data = await deflateRows(width, height, (row, y) => {
    row.fill(250)
    for (let x = 0; x < width; x++) if (inkAt(x, y, 100)) row[x] = 25
  })
  await writeRawPdf(path, [{ width: 595, height: 842, image: { width, height, colorSpace: 'DeviceGray', bitsPerComponent: 8, filter: 'FlateDecode', data } }])
}

export async function ccittMonochromePdf (path: string, scratch: string): Promise<void> {
  const width = Math.round(A4_INCHES[0] * 2400)
  const height = Math.round(A4_INCHES[1] * 2400)
  // Drawn at an eighth of the size and enlarged pixel for pixel by libvips, which streams.
  const smallWidth = Math.ceil(width / 8)
  const smallHeight = Math.ceil(height / 8)
  const raw = Buffer.alloc(smallWidth * smallHeight, 255)
  for (let y = 0; y < smallHeight; y++) for (let x = 0; x < smallWidth; x++) if (inkAt(x, y, 12)) raw[y * smallWidth + x] = 0
  const striped = join(scratch, 'g4-striped.tif')
  const single = join(scratch, 'g4.tif')
  await sharp(raw, { raw: { width: smallWidth, height: smallHeight, channels: 1 }, limitInputPixels: false })
    .resize(width, height, { kernel: 'nearest', fit: 'fill' })
    .toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1 }).toFile(striped)
  await run('tiffcp', ['-c', 'g4', '-r', String(height), striped, single])
  const { data, blackIs1 } = singleStripOf(await readFile(single))
  await rm(striped, { force: true })
  await rm(single, { force: true })
  await writeRawPdf(path, [{
    width: 595,
    height: 842,
    image: { width, height, colorSpace: 'DeviceGray', bitsPerComponent: 1, filter: 'CCITTFaxDecode', decodeParms: `/K -1 /Columns ${width} /Rows ${height}${blackIs1 ? ' /BlackIs1 true' : ''}`, data }
  }])
}

/** The G4 bytes of a one-strip little-endian TIFF, and whether 1 bits are black there. */
function singleStripOf (tiff: Buffer): { data: Buffer, blackIs1: boolean } {
  if (tiff.toString('latin1', 0, 2) !== 'II') throw new Error('expected a little-endian TIFF')
  const ifd = tiff.readUInt32LE(4)
  const entries = tiff.readUInt16LE(ifd)
  const tags = new Map<number, { count: number, value: number }>()
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12
    const type = tiff.readUInt16LE(at + 2)
    tags.set(tiff.readUInt16LE(at), { count: tiff.readUInt32LE(at + 4), value: type === 3 ? tiff.readUInt16LE(at + 8) : tiff.readUInt32LE(at + 8) })
  }
  const offsets = tags.get(273)
  const counts = tags.get(279)
  if (!offsets || !counts || offsets.count !== 1) throw new Error('expected one strip')
  return { data: tiff.subarray(offsets.value, offsets.value + counts.value), blackIs1: tags.get(262)?.value === 1 }
}

export async function longScanPdf (path: string, pages = 300): Promise<void> {
  const words = 'invoice total amount due payment account customer order number date reference balance'.split(' ')
  const images: RawImage[] = []
  for (let page = 0; page < pages; page++) {
    const canvas = createCanvas(1200, 300)
    const context = canvas.getContext('2d')
    context.fillStyle = '#fdfdfb'
    context.fillRect(0, 0, 1200, 300)
    context.fillStyle = '#161616'
    context.font = '48px sans-serif'
    const line = (offset: number) => Array.from({ length: 4 }, (_, word) => words[(page * 3 + offset + word * 5) % words.length]).join(' ')
    context.fillText(`${line(0)} ${page + 1}`, 40, 110)
    context.fillText(line(1), 40, 210)
    images.push({ width: 1200, height: 300, colorSpace: 'DeviceRGB', bitsPerComponent: 8, filter: 'DCTDecode', data: canvas.encodeSync('jpeg', 80) })
  }
  await writeRawPdf(path, images.map(image => ({ width: 288, height: 72, image })))
}

async function writeLines (path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path)
  let batch = ''
  for (const line of lines) {
    batch += line + '\n'
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain')
      batch = ''
    }
  }
  out.end(batch)
  await once(out, 'finish')
}

function * salesRows (rows: number, region: (row: number) => string): Generator<string> {
  yield 'date,region,department,revenue,units'
  for (let row = 0; row < rows; row++) {
    const day = new Date(Date.UTC(2021, 0, 1) + (row % 1000) * 86_400_000).toISOString().slice(0, 10)
    yield `${day},${region(row)},Dept ${row % 4},${(1000 + (row % 97) * 13).toFixed(2)},${row % 50}`
  }
}

export async function bigCellCsv (path: string, cellBytes = 5 * 1024 * 1024): Promise<void> {
  await writeLines(path, salesRows(2000, row => (row === 700 ? `"${'Nord '.repeat(cellBytes / 5)}"` : ['North', 'South', 'East', 'West'][row % 4] as string)))
}

export async function millionRegionsCsv (path: string, rows = 1_000_000): Promise<void> {
  await writeLines(path, salesRows(rows, row => `Region ${row.toString(36)}-${(row * 2654435761 % 1e9).toString(36)}`))
}

export async function singleLineCsv (path: string, bytes = 50 * 1024 * 1024): Promise<void> {
  const out = createWriteStream(path)
  const piece = 'date,revenue,'.repeat(80_000)
  for (let written = 0; written < bytes; written += piece.length) if (!out.write(piece)) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
}

/** Writes the whole corpus into `dir`, in the order the test sends it. */
export async function writeCorpus (dir: string, only?: ReadonlySet<string>): Promise<CorpusDocument[]> {
  const makers: Array<[string, CorpusDocument['kind'], (path: string) => Promise<void>]> = [
    ['giant-rgb-image.pdf', 'intake', giantRgbImagePdf],
    ['huge-page.pdf', 'intake', hugePagePdf],
    ['scan-2400dpi.pdf', 'intake', scan2400DpiPdf],
    ['ccitt-monochrome.pdf', 'intake', path => ccittMonochromePdf(path, dir)],
    ['scan-300-pages.pdf', 'intake', path => longScanPdf(path)],
    ['cell-5mb.csv', 'report', path => bigCellCsv(path)],
    ['regions-1m.csv', 'report', path => millionRegionsCsv(path)],
    ['single-line-50mb.csv', 'report', path => singleLineCsv(path)]
  ]
  const documents: CorpusDocument[] = []
  for (const [name, kind, make] of makers) {
    if (only && !only.has(name)) continue
    const path = join(dir, name)
    await make(path)
    documents.push({ name, path, kind })
  }
  return documents
}
