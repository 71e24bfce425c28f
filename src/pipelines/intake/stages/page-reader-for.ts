/** A page reader configured from the pipeline's settings (see pages/page-reader.ts). */
import { PageReader } from '../pages/page-reader.ts'
import type { IntakeSettings } from '../state.ts'

/** Image files are decoded while shrinking, so they may be far larger than a rendered page. */
const IMAGE_DECODE_FACTOR = 64

export function openPageReader (settings: IntakeSettings, signal: AbortSignal): PageReader {
  return new PageReader({
    recycleAfterPages: settings.recycleReaderAfterPages,
    heapLimitMb: settings.readerHeapLimitMb,
    maxImagePixels: settings.maxImagePixels,
    maxDecodePixels: settings.maxPagePixels * IMAGE_DECODE_FACTOR
  }, signal)
}
