/**
 * The intake pipeline: a form with one or more documents (PDF, PNG, JPEG, TIFF) in; every page
 * read (text layer, else OCR), the useful fields extracted, the files archived and one row per
 * submission appended to a sheet out. Page parsing and rendering run in a recycled child process
 * (pages/page-reader.ts), all scans are rendered before OCR starts so the two never share memory,
 * and external services sit behind the adapters.
 */
import { createSerialQueue } from '../../adapters/serial-queue.ts'
import type { Adapters } from '../../adapters/index.ts'
import type { Pipeline } from '../../jobs/pipeline.ts'
import { createIntakeState, type IntakeSettings, type IntakeState } from './state.ts'
import { archiveFiles, exportRow, extractDocumentFields, publishResult, saveExtractedData } from './stages/deliver.ts'
import { fingerprintFiles } from './stages/fingerprint.ts'
import { readTextLayer } from './stages/read-text-layer.ts'
import { readScans } from './stages/read-scans.ts'
import { renderScans } from './stages/render-scans.ts'
import { validateSubmission } from './stages/validate.ts'

export interface IntakeDeps extends Partial<Omit<IntakeSettings, 'adapters' | 'maxPages' | 'maxPagePixels' | 'pageWork'>> {
  adapters: Adapters
  maxPages: number
  maxPagePixels: number
  /** What one job may hold (the memory plan's estimate), for the queue's admission. */
  memoryBytes?: number
}

export function createIntakePipeline (deps: IntakeDeps): Pipeline<IntakeState> {
  const { memoryBytes, ...rest } = deps
  const settings: IntakeSettings = { ocrDpi: 200, recycleReaderAfterPages: 10, readerHeapLimitMb: 128, maxImagePixels: deps.maxPagePixels, ...rest, pageWork: createSerialQueue() }
  return {
    name: 'intake',
    ...(memoryBytes !== undefined && { memoryBytes }),
    accepts: ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'],
    multipleFiles: true,
    createState: createIntakeState,
    stages: [
      { name: 'validation', title: 'Checking the form and the files', endPercent: 5, run: validateSubmission(settings) },
      { name: 'fingerprint', title: 'Fingerprinting the files', endPercent: 8, run: fingerprintFiles },
      { name: 'text', title: 'Reading the text layer', endPercent: 20, run: readTextLayer(settings) },
      { name: 'rendering', title: 'Rendering scanned pages for OCR', endPercent: 30, run: renderScans(settings) },
      { name: 'ocr', title: 'Reading scanned pages (OCR)', endPercent: 80, run: readScans(settings) },
      { name: 'extraction', title: 'Extracting fields', endPercent: 84, run: extractDocumentFields(settings) },
      { name: 'checkpoint', title: 'Saving the extracted data', endPercent: 85, run: saveExtractedData },
      { name: 'archive', title: 'Archiving the files', endPercent: 94, run: archiveFiles(settings) },
      { name: 'export', title: 'Appending the row to the sheet', endPercent: 99, run: exportRow(settings) },
      { name: 'result', title: 'Publishing the result', endPercent: 100, run: publishResult }
    ]
  }
}

export type { IntakeState } from './state.ts'
export type { IntakeResult } from './result.ts'
