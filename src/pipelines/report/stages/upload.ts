/**
 * Stage `upload` (→5%): the file as it arrives. Checks its start before the long read — that
 * it is not empty, its encoding and BOM, line endings, delimiter and header — and that the form
 * fields make sense, so mistakes fail in a moment, often while the rest is still uploading.
 * For an upload still arriving it then starts the read pass on the bytes as they come
 * (arriving-read.ts) and reports bytes received and rows read until the last byte is stored.
 */
import { JobFailure } from '../../../errors.ts'
import { megabytes, type ArrivingUpload } from '../../../jobs/arriving-upload.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { startArrivingRead } from '../arriving-read.ts'
import { readOptions } from '../options.ts'
import { planRead } from '../read-plan.ts'
import { SAMPLE_BYTES, sniffFile } from '../sniff.ts'
import { need, type ReportState } from '../state.ts'

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }

export interface UploadStageOptions {
  /** From this expected size a pass over an arriving file runs on a worker thread. */
  threadMinBytes: number
  /** Most threads one file is read with (config REPORT_READ_THREADS). */
  readThreads: number
}

export function createCheckUpload (options: UploadStageOptions) {
  return (ctx: StageContext<ReportState>) => checkUpload(ctx, options)
}

async function checkUpload (ctx: StageContext<ReportState>, options: UploadStageOptions): Promise<void> {
  const upload = ctx.files[0]
  if (!upload) throw new JobFailure('no_file', 'No file was uploaded. Send the CSV in the multipart field "file".')
  const arriving = ctx.upload?.isComplete === false ? ctx.upload : undefined
  if (arriving) await arriving.whenBytes(SAMPLE_BYTES)
  ctx.state.fileName = upload.name
  ctx.state.options = readOptions(ctx.fields)
  const stillArriving = ctx.upload?.isComplete === false
  const file = await sniffFile(upload.path, stillArriving)
  ctx.state.file = file
  if (file.encoding === 'windows-1252') {
    ctx.state.warnings.add({ code: 'encoding', message: 'The file is not UTF-8; it was read as Windows-1252 (the usual encoding of older Excel exports). Save as "CSV UTF-8" if names look wrong.' })
  }
  const delimiter = DELIMITER_NAMES[file.delimiter] ?? JSON.stringify(file.delimiter)
  const shape = `${file.header.length} columns, ${delimiter}-separated, ${file.encoding === 'utf8' ? 'UTF-8' : file.encoding}`
  ctx.log.info({ bytes: file.bytes, encoding: file.encoding, bom: file.bom, delimiter, columns: file.header.length, stillArriving }, 'report file checked')
  if (arriving && stillArriving) await readWhileArriving(ctx, arriving, upload.path, shape, options)
  ctx.progress(1, shape, { bytes: file.bytes, columns: file.header.length })
}

/** Starts the read pass on the arriving file and reports the upload until its last byte is stored. */
async function readWhileArriving (ctx: StageContext<ReportState>, upload: ArrivingUpload, path: string, shape: string, { threadMinBytes, readThreads }: UploadStageOptions): Promise<void> {
  const file = need(ctx.state.file, 'the file check')
  const read = startArrivingRead(planRead(file, path, ctx.state.options), upload, ctx.signal, { threadMinBytes, threads: readThreads })
  ctx.state.arrivingRead = read
  const { expectedBytes } = upload
  let rowsShown = -1
  try {
    // A pass that fails (a damaged file) ends the stage now, not when the upload is over.
    const input = await Promise.race([
      upload.whileArriving((bytes, grew) => {
        // Only news is reported: a client that stopped sending leaves the job to the stall watchdog.
        if (!grew && read.latest.rows === rowsShown) return
        rowsShown = read.latest.rows
        const of = expectedBytes ? ` of about ${megabytes(expectedBytes)}` : ''
        ctx.progress(expectedBytes ? Math.min(0.99, bytes / expectedBytes) : 0, `Received ${megabytes(bytes)}${of}; ${read.latest.rows.toLocaleString('en-US')} rows read · ${shape}`, {
          bytesReceived: bytes, ...(expectedBytes ? { bytesExpected: expectedBytes } : {}), rows: read.latest.rows
        })
      }),
      read.pass.then(() => new Promise<never>(() => {}))
    ])
    file.bytes = input.files[0]?.bytes ?? file.bytes
  } catch (error) {
    read.stop()
    throw error
  }
}
