/**
 * The `intake` result document (CONTRACT.md) and the spreadsheet row, both built from the
 * pipeline state. The result is set twice: before archiving (archive/export null) so the
 * extracted data survives a Google outage, and complete at the end.
 */
import type { ExportResult } from '../../adapters/export/types.ts'
import type { IntakeDocument, IntakeState } from './state.ts'

export function buildResult (state: IntakeState) {
  return {
    pipeline: 'intake' as const,
    fields: state.fields,
    documents: state.documents.map(documentResult),
    export: state.export ? exportResult(state.export) : null,
    summary: {
      documents: state.documents.length,
      pages: state.documents.reduce((sum, d) => sum + d.pageCount, 0),
      ocrPages: state.documents.reduce((sum, d) => sum + d.pages.filter(p => p.source === 'ocr').length, 0),
      skippedPages: state.documents.reduce((sum, d) => sum + d.pages.filter(p => p.skipped).length, 0)
    },
    warnings: state.documents.flatMap(d => [
      ...d.warnings.map(message => ({ file: d.name, message })),
      ...d.pages.flatMap(p => p.warnings.map(message => ({ file: d.name, page: p.number, message })))
    ])
  }
}

export type IntakeResult = ReturnType<typeof buildResult>

function documentResult (document: IntakeDocument) {
  return {
    name: document.name,
    type: document.type,
    bytes: document.bytes,
    sha256: document.sha256,
    pageCount: document.pageCount,
    pages: document.pages.map(page => ({
      number: page.number,
      text: page.text,
      source: page.source,
      ...(page.confidence !== undefined ? { confidence: page.confidence } : {}),
      ...(page.dpi !== undefined ? { dpi: page.dpi } : {}),
      ...(page.skipped ? { skipped: true } : {}),
      ...(page.warnings.length ? { warnings: page.warnings } : {})
    })),
    extracted: document.extracted,
    archive: document.archive ? { provider: document.archive.provider, location: document.archive.location, ...(document.archive.id ? { id: document.archive.id } : {}) } : null
  }
}

function exportResult (exported: ExportResult) {
  return {
    provider: exported.provider,
    location: exported.location,
    ...(exported.range ? { range: exported.range } : {}),
    header: exported.header,
    row: exported.row
  }
}
