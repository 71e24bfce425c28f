/**
 * The messages between the intake pipeline and its page-reader worker thread. PDF parsing
 * (pdfjs), page rendering (@napi-rs/canvas) and image decoding (sharp) run in that worker so
 * their memory is released whole when it is recycled, and a hostile page can only kill the worker.
 */

export type DocumentKind = 'pdf' | 'image'

/** The page warning for an embedded image too large to decode within the memory budget (pdfjs's `maxImageSize`). */
export const IMAGE_LEFT_OUT_WARNING = 'An image on this page is larger than this server\'s memory budget allows to decode, and was left out; scan at 300 DPI for OCR.'

export interface OpenRequest {
  op: 'open'
  path: string
  kind: DocumentKind
  /** Embedded PDF images larger than this (pixels) are removed instead of decoded. */
  maxImagePixels: number
  /** Image files larger than this (pixels) are skipped instead of decoded. */
  maxDecodePixels: number
}
export interface TextRequest { op: 'text', page: number }
export interface RenderRequest {
  op: 'render'
  page: number
  /** Resolution OCR works best at; lowered when the page would exceed `maxPixels`. */
  targetDpi: number
  maxPixels: number
  /** PNG file to write (inside the job's scratch directory). */
  outPath: string
}
export type ReaderRequest = OpenRequest | TextRequest | RenderRequest

export interface OpenedDocument { pageCount: number, warnings: string[] }

export interface PageText {
  text: string
  /** Page size in points (PDF) or pixels (images). */
  width: number
  height: number
  warnings: string[]
}

export type RenderedPage =
  | { rendered: true, path: string, width: number, height: number, dpi: number, warnings: string[] }
  | { rendered: false, warnings: string[] }

/** Why opening a document failed, decided where the library's error types are known. */
export type OpenFailureKind = 'encrypted' | 'invalid' | 'empty' | 'unreadable'

export interface SerializedError { name: string, message: string, kind?: OpenFailureKind }

export type ReaderReply =
  | { id: number, ok: true, value: unknown }
  | { id: number, ok: false, error: SerializedError }
