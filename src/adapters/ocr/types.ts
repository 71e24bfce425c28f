/**
 * The OCR port: the intake pipeline hands it one rendered page at a time and gets text back.
 * Implementations: tesseract.ts (offline, the default) and vision.ts (Google Cloud Vision).
 */

export interface OcrPageImage {
  /** A PNG file (in the job's scratch directory). */
  path: string
  width: number
  height: number
  /** Resolution the page was rendered at; tells the engine how large the text is. */
  dpi: number
}

export interface OcrResult {
  text: string
  /** Engine's confidence in the text, 0..1; null when the engine reports none (e.g. an empty page). */
  confidence: number | null
}

export interface Ocr {
  readonly engine: 'tesseract' | 'vision'
  /** Rejects with the signal's reason if the job is cancelled before the page is read. */
  recognize: (image: OcrPageImage, options: { signal: AbortSignal }) => Promise<OcrResult>
  /**
   * Gives back the engine's memory now when no page is waiting (the next page starts it again):
   * a job calls it when its pages are read, so the memory it was admitted with is really free
   * when it ends, not an idle timeout later.
   */
  release: () => Promise<void>
  /** Releases workers and connections; safe to call twice. */
  close: () => Promise<void>
}
