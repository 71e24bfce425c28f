/**
 * Stage 1: every file is what it claims to be and can be read. The type comes from the file's
 * magic bytes, never its name; each document is opened (in the page-reader worker) to find
 * encrypted or damaged PDFs and to count pages against MAX_PAGES before any real work starts.
 */
import { fileTypeFromFile } from 'file-type'
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { DocumentOpenFailure, type PageReader } from '../pages/page-reader.ts'
import type { DocumentKind } from '../pages/protocol.ts'
import type { IntakeSettings, IntakeState } from '../state.ts'
import { checkForm } from './check-form.ts'
import { openPageReader } from './page-reader-for.ts'

const KINDS: Record<string, DocumentKind> = { 'application/pdf': 'pdf', 'image/png': 'image', 'image/jpeg': 'image', 'image/tiff': 'image' }

/** Stage 1 runs both checks: the form fields (check-form.ts), then the files. */
export function validateSubmission (settings: IntakeSettings) {
  const checkFiles = validateFiles(settings)
  return async (ctx: StageContext<IntakeState>): Promise<void> => {
    await checkForm(ctx)
    await checkFiles(ctx)
  }
}

export function validateFiles (settings: IntakeSettings) {
  return async (ctx: StageContext<IntakeState>): Promise<void> => {
    if (ctx.files.length === 0) throw new JobFailure('no_files', 'No document was uploaded. Attach at least one PDF, PNG, JPEG or TIFF file.')
    const reader = openPageReader(settings, ctx.signal)
    try {
      let totalPages = 0
      for (const [index, file] of ctx.files.entries()) {
        ctx.progress(index / ctx.files.length, `Checking ${file.name}`, { file: file.name, files: ctx.files.length })
        const kind = await sniffKind(file.path, file.name, file.bytes)
        const { pageCount, warnings } = await countPages(reader, file.path, file.name, kind.kind)
        totalPages += pageCount
        if (totalPages > settings.maxPages) {
          throw new JobFailure('too_many_pages', `"${file.name}" brings the submission to ${totalPages} pages; the limit is ${settings.maxPages} (MAX_PAGES). Split the document and upload the parts separately.`, { file: file.name })
        }
        ctx.state.documents.push({
          name: file.name,
          type: kind.mime,
          kind: kind.kind,
          path: file.path,
          bytes: file.bytes,
          sha256: '',
          pageCount,
          pages: [],
          extracted: null,
          archive: null,
          warnings
        })
      }
    } finally {
      await reader.close()
    }
  }
}

async function sniffKind (path: string, name: string, bytes: number): Promise<{ mime: string, kind: DocumentKind }> {
  if (bytes === 0) throw new JobFailure('empty_file', `"${name}" is empty (0 bytes). Upload the document again.`, { file: name })
  const detected = await fileTypeFromFile(path)
  const kind = detected ? KINDS[detected.mime] : undefined
  if (!detected || !kind) {
    const what = detected ? `a ${detected.ext.toUpperCase()} file (${detected.mime})` : 'not a document format we know'
    throw new JobFailure('unsupported_file_type', `"${name}" is ${what}. Upload a PDF, PNG, JPEG or TIFF file.`, { file: name })
  }
  return { mime: detected.mime, kind }
}

async function countPages (reader: PageReader, path: string, name: string, kind: DocumentKind) {
  let opened
  try {
    opened = await reader.open(path, kind)
  } catch (error) {
    if (!(error instanceof DocumentOpenFailure)) throw error
    if (error.kind === 'encrypted') {
      throw new JobFailure('encrypted_pdf', `"${name}" is protected with a password. Remove the password and upload again.`, { file: name })
    }
    const what = kind === 'pdf' ? 'a PDF' : 'an image'
    throw new JobFailure(kind === 'pdf' ? 'invalid_pdf' : 'invalid_image', `"${name}" could not be read as ${what}: the file is damaged or incomplete. Export or scan it again and upload the new file.`, { file: name })
  }
  if (opened.pageCount === 0) throw new JobFailure('empty_document', `"${name}" has no pages. Upload a document with at least one page.`, { file: name })
  return opened
}
