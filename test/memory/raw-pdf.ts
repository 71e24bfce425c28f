/**
 * Writes PDFs object by object, for the memory corpus: pages whose one image is given as
 * already-encoded bytes (Flate, DCT, CCITT) with exactly the dictionary a scanner would write,
 * or whose content is plain vector drawing. pdf-lib would hold every decoded byte in memory
 * and re-encode; here a 243 MB image is a 0.5 MB stream made row by row.
 */
import { writeFile } from 'node:fs/promises'

export interface RawImage {
  width: number
  height: number
  colorSpace: 'DeviceRGB' | 'DeviceGray'
  bitsPerComponent: 1 | 8
  filter: 'FlateDecode' | 'DCTDecode' | 'CCITTFaxDecode'
  /** Extra entries of the filter's /DecodeParms, written as PDF source (e.g. `/K -1 /Columns 9000`). */
  decodeParms?: string
  data: Uint8Array
}

export interface RawPage {
  /** Page size in points (72 a inch). */
  width: number
  height: number
  /** Drawn to fill the whole page. */
  image?: RawImage
  /** Extra content-stream operators (vector drawing), after the image. */
  drawing?: string
}

export async function writeRawPdf (path: string, pages: readonly RawPage[]): Promise<void> {
  const parts: Buffer[] = []
  const offsets: number[] = []
  let length = 0
  const push = (bytes: Buffer | string) => {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes
    parts.push(buffer)
    length += buffer.length
  }
  const object = (number: number, body: Buffer | string, stream?: Uint8Array) => {
    offsets[number] = length
    push(`${number} 0 obj\n`)
    push(body)
    if (stream) {
      push('\nstream\n')
      push(Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength))
      push('\nendstream')
    }
    push('\nendobj\n')
  }

  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
  // 1: catalog, 2: pages; then per page: page, contents, image.
  const pageNumbers = pages.map((_, index) => 3 + index * 3)
  object(1, '<< /Type /Catalog /Pages 2 0 R >>')
  object(2, `<< /Type /Pages /Kids [${pageNumbers.map(number => `${number} 0 R`).join(' ')}] /Count ${pages.length} >>`)
  pages.forEach((page, index) => {
    const number = pageNumbers[index] as number
    const resources = page.image ? `/Resources << /XObject << /Im0 ${number + 2} 0 R >> >>` : '/Resources << >>'
    object(number, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] ${resources} /Contents ${number + 1} 0 R >>`)
    const content = Buffer.from(`${page.image ? `q ${page.width} 0 0 ${page.height} 0 0 cm /Im0 Do Q\n` : ''}${page.drawing ?? ''}`, 'latin1')
    object(number + 1, `<< /Length ${content.length} >>`, content)
    const image = page.image
    if (image) {
      const parms = image.decodeParms ? ` /DecodeParms << ${image.decodeParms} >>` : ''
      object(number + 2, `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /${image.colorSpace} /BitsPerComponent ${image.bitsPerComponent} /Filter /${image.filter}${parms} /Length ${image.data.length} >>`, image.data)
    } else {
      object(number + 2, 'null')
    }
  })
  const xrefAt = length
  const count = 3 + pages.length * 3
  push(`xref\n0 ${count}\n0000000000 65535 f \n`)
  for (let number = 1; number < count; number++) push(`${String(offsets[number]).padStart(10, '0')} 00000 n \n`)
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`)
  await writeFile(path, Buffer.concat(parts))
}
