import { describe, expect, it } from 'vitest'
import { chooseRenderSize } from './render-scale.ts'

const A4 = { width: 595.28, height: 841.89 }

describe('chooseRenderSize', () => {
  it('renders an A4 page at the target DPI when it fits the budget', () => {
    const size = chooseRenderSize(A4.width, A4.height, { unitsPerInch: 72, targetDpi: 200, maxPixels: 25_000_000, allowUpscale: true })
    expect(size).toMatchObject({ width: 1653, height: 2338, dpi: 200, downscaled: false })
  })

  it('lowers the resolution of an enormous page to the pixel budget', () => {
    const size = chooseRenderSize(14_400, 14_400, { unitsPerInch: 72, targetDpi: 200, maxPixels: 4_000_000, allowUpscale: true })
    expect(size?.downscaled).toBe(true)
    expect(size!.width * size!.height).toBeLessThanOrEqual(4_000_000)
    expect(size?.dpi).toBe(10)
  })

  it('never enlarges an image, and shrinks a 600 DPI scan to the target', () => {
    expect(chooseRenderSize(1000, 1000, { unitsPerInch: 100, targetDpi: 200, maxPixels: 25_000_000, allowUpscale: false }))
      .toMatchObject({ width: 1000, height: 1000, dpi: 100, downscaled: false })
    expect(chooseRenderSize(4960, 7016, { unitsPerInch: 600, targetDpi: 200, maxPixels: 25_000_000, allowUpscale: false }))
      .toMatchObject({ width: 1653, height: 2338, dpi: 200, downscaled: false })
  })

  it('downscales a 35000×35000 image to the budget', () => {
    const size = chooseRenderSize(35_000, 35_000, { unitsPerInch: 300, targetDpi: 200, maxPixels: 25_000_000, allowUpscale: false })
    expect(size).toMatchObject({ width: 5000, height: 5000, downscaled: true })
  })

  it('rejects a page without a usable size', () => {
    expect(chooseRenderSize(0, 800, { unitsPerInch: 72, targetDpi: 200, maxPixels: 1e6, allowUpscale: true })).toBeNull()
    expect(chooseRenderSize(Number.NaN, 800, { unitsPerInch: 72, targetDpi: 200, maxPixels: 1e6, allowUpscale: true })).toBeNull()
  })
})
