/**
 * The page-reader worker against real documents: text and renders stay right across worker
 * recycling, TIFF scans are read, and cancelling the job ends the worker.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeScannedPdf, makeTextPdf, renderTextImage } from '../../../../test/fixtures/intake/make-documents.ts'
import { PageReader, type PageReaderOptions } from './page-reader.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'stagecast-reader-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

const options: PageReaderOptions = { recycleAfterPages: 2, heapLimitMb: 128, maxImagePixels: 25_000_000, maxDecodePixels: 400_000_000 }

describe('PageReader', () => {
  it('reads every page in order while the worker is replaced every two rendered pages', async () => {
    const path = join(dir, 'text.pdf')
    await writeFile(path, await makeTextPdf(Array.from({ length: 5 }, (_, index) => [`This is page number ${index + 1} of the report.`])))
    const reader = new PageReader(options, new AbortController().signal)
    try {
      expect(await reader.open(path, 'pdf')).toEqual({ pageCount: 5, warnings: [] })
      for (let page = 1; page <= 5; page++) {
        expect((await reader.text(page)).text).toContain(`page number ${page} of`)
        const rendered = await reader.render(page, { targetDpi: 100, maxPixels: 25_000_000, outPath: join(dir, `p${page}.png`) })
        expect(rendered).toMatchObject({ rendered: true, width: 826, height: 1169, dpi: 100 })
        expect(await sharp(join(dir, `p${page}.png`)).metadata()).toMatchObject({ width: 826, height: 1169, channels: 1 })
      }
    } finally {
      await reader.close()
      await reader.close()
    }
  })

  it('reads a TIFF scan as a document of pages', async () => {
    const path = join(dir, 'scan.tiff')
    await sharp(renderTextImage(['A scanned letter'], { dpi: 100 })).withMetadata({ density: 100 }).tiff().toFile(path)
    const reader = new PageReader(options, new AbortController().signal)
    try {
      expect(await reader.open(path, 'image')).toMatchObject({ pageCount: 1 })
      expect(await reader.text(1)).toMatchObject({ text: '', width: 827, height: 1169 })
      const rendered = await reader.render(1, { targetDpi: 200, maxPixels: 25_000_000, outPath: join(dir, 'tiff.png') })
      expect(rendered).toMatchObject({ rendered: true, width: 827, height: 1169, dpi: 100 })
    } finally {
      await reader.close()
    }
  })

  it('stops the worker when the job is cancelled, rejecting the page in flight', async () => {
    const path = join(dir, 'scan.pdf')
    await writeFile(path, await makeScannedPdf([['Cancelled page']], { dpi: 150 }))
    const controller = new AbortController()
    const reader = new PageReader(options, controller.signal)
    await reader.open(path, 'pdf')
    const rendering = reader.render(1, { targetDpi: 300, maxPixels: 25_000_000, outPath: join(dir, 'cancelled.png') })
    controller.abort(new Error('cancelled by the user'))
    await expect(rendering).rejects.toThrow('cancelled by the user')
    await expect(reader.text(1)).rejects.toThrow('cancelled by the user')
  })
})
