/**
 * What the intake stages hand each other: the form fields, then per document its facts, its
 * pages (text and where it came from), the extracted fields and where it was archived.
 */
import type { CountryCode } from 'libphonenumber-js'
import type { ArchiveResult } from '../../adapters/archive/types.ts'
import type { Adapters } from '../../adapters/index.ts'
import type { ExportResult } from '../../adapters/export/types.ts'
import type { ExtractedFields } from './fields/types.ts'
import type { PageClassification } from './pages/classify.ts'
import type { DocumentKind } from './pages/protocol.ts'

export interface IntakePage {
  number: number
  text: string
  source: 'text' | 'ocr'
  /** OCR engine confidence, 0..1; absent for text-layer pages. */
  confidence?: number
  /** Why the page went to OCR (or not). */
  classification: PageClassification['reason']
  /** Resolution the page was rendered at for OCR. */
  dpi?: number
  /** True when the page could not be read (too large, damaged); `warnings` says why. */
  skipped?: boolean
  warnings: string[]
  /** The page rendered for OCR, between the rendering and OCR stages (never in the result). */
  render?: { path: string, width: number, height: number, dpi: number }
}

export interface IntakeDocument {
  name: string
  /** MIME type sniffed from the file's bytes. */
  type: string
  kind: DocumentKind
  path: string
  bytes: number
  sha256: string
  pageCount: number
  pages: IntakePage[]
  extracted: ExtractedFields | null
  archive: ArchiveResult | null
  warnings: string[]
}

export interface IntakeState {
  fields: Record<string, string>
  documents: IntakeDocument[]
  export: ExportResult | null
}

export interface IntakeSettings {
  adapters: Adapters
  maxPages: number
  /** Largest page image rendered for OCR (pixels); larger pages are rendered at a lower resolution. */
  maxPagePixels: number
  /**
   * Largest embedded PDF image decoded (width × height, read from the image's dictionary before
   * decoding); a larger one is left out of the page and the page says so in a warning.
   */
  maxImagePixels: number
  /** Resolution scanned pages are rendered at for OCR, before the pixel budget applies. */
  ocrDpi: number
  /** Page-reader worker replaced after this many rendered pages. */
  recycleReaderAfterPages: number
  readerHeapLimitMb: number
  phoneRegion?: CountryCode
  dateOrder?: 'dmy' | 'mdy'
  /**
   * Runs heavy page work (rendering, OCR) one job at a time in this process, so two jobs never
   * hold a page reader and the OCR engine at once: memory stays that of one job.
   */
  pageWork: <T>(task: () => Promise<T>) => Promise<T>
}

export const createIntakeState = (): IntakeState => ({ fields: {}, documents: [], export: null })
