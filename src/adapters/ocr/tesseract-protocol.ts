/** Messages between tesseract.ts and its OCR child process (tesseract-process.ts). */

export interface OcrRequest { id: number, path: string, dpi: number }

export type OcrReply =
  | { type: 'ready' }
  | { type: 'failed', message: string }
  | { type: 'page', id: number, ok: true, text: string, confidence: number }
  | { type: 'page', id: number, ok: false, message: string }
