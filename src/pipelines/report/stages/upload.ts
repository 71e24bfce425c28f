/**
 * Stage `upload` (→5%): checks the stored file before the long read — that it is there and not
 * empty, its encoding and BOM, line endings, delimiter and header — and that the form fields
 * make sense, so mistakes fail in a moment.
 */
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { readOptions } from '../options.ts'
import { sniffFile } from '../sniff.ts'
import type { ReportState } from '../state.ts'

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }

export async function checkUpload (ctx: StageContext<ReportState>): Promise<void> {
  const upload = ctx.files[0]
  if (!upload) throw new JobFailure('no_file', 'No file was uploaded. Send the CSV in the multipart field "file".')
  ctx.state.fileName = upload.name
  ctx.state.options = readOptions(ctx.fields)
  const file = await sniffFile(upload.path)
  ctx.state.file = file
  if (file.encoding === 'windows-1252') {
    ctx.state.warnings.add({ code: 'encoding', message: 'The file is not UTF-8; it was read as Windows-1252 (the usual encoding of older Excel exports). Save as "CSV UTF-8" if names look wrong.' })
  }
  const delimiter = DELIMITER_NAMES[file.delimiter] ?? JSON.stringify(file.delimiter)
  ctx.log.info({ bytes: file.bytes, encoding: file.encoding, bom: file.bom, delimiter, columns: file.header.length }, 'report file checked')
  ctx.progress(1, `${file.header.length} columns, ${delimiter}-separated, ${file.encoding === 'utf8' ? 'UTF-8' : file.encoding}`, { bytes: file.bytes, columns: file.header.length })
}
