/**
 * The scan fast path: which pages count as "one upright picture", and the picture's conversion
 * to grey and shrinking, checked on real pdfjs-decoded pages and on tiny known images.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { degrees, PDFDocument } from 'pdf-lib'
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs'
import { describe, expect, it } from 'vitest'
import { makeHugeImagePdf, makeScannedPdf } from '../../../../test/fixtures/intake/make-documents.ts'
import { findSoleImage, shrinkToGrey } from './sole-image.ts'

const fonts = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/'

async function firstPage (bytes: Uint8Array) {
  const task = pdfjs.getDocument({ data: bytes, standardFontDataUrl: fonts, maxImageSize: 25_000_000, verbosity: 0 })
  const document = await task.promise
  return { page: await document.getPage(1), close: () => task.destroy() }
}

describe('findSoleImage', () => {
  it('takes the picture of a scanned page, with its size on the page', async () => {
    const { page, close } = await firstPage(await makeScannedPdf([['Scanned text']], { dpi: 100 }))
    const sole = await findSoleImage(page)
    expect(sole).toMatchObject({ widthPoints: 595.28, heightPoints: 841.89, image: { width: 827, height: 1169 } })
    await close()
  })

  it('leaves pages with text or a rotation to the canvas', async () => {
    const withText = await firstPage(await makeHugeImagePdf(100, 100, 'Some text'))
    expect(await findSoleImage(withText.page)).toBeNull()
    await withText.close()

    const rotated = await PDFDocument.load(await makeScannedPdf([['Sideways']], { dpi: 50 }))
    rotated.getPage(0).setRotation(degrees(90))
    const sideways = await firstPage(await rotated.save())
    expect(await findSoleImage(sideways.page)).toBeNull()
    await sideways.close()
  })
})

describe('shrinkToGrey', () => {
  it('converts RGBA to grey luma and averages 2×2 blocks', () => {
    const rgba = Uint8ClampedArray.from([
      255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 255,
      255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 255
    ])
    expect(Array.from(shrinkToGrey({ width: 4, height: 2, kind: 3, data: rgba }, 4, 2))).toEqual([255, 0, 76, 29, 255, 0, 76, 29])
    expect(Array.from(shrinkToGrey({ width: 4, height: 2, kind: 3, data: rgba }, 2, 1))).toEqual([127, 52])
  })

  it('unpacks 1-bit images (1 is white, rows padded to whole bytes)', () => {
    const bits = Uint8Array.from([0b10100000, 0b01000000])
    expect(Array.from(shrinkToGrey({ width: 3, height: 2, kind: 1, data: bits }, 3, 2))).toEqual([255, 0, 255, 0, 255, 0])
  })
})
