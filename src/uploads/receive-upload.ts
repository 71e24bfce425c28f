/**
 * Streams a multipart upload to disk part by part — never buffered whole — to paths the job
 * service names (data-dir.ts: `uploads/<jobId>.1.upload`, `.2.upload`…), sniffing each file's
 * type from its first bytes as they stream past (the file is never read back). The client's file
 * name is kept for display only.
 *
 * The job does not wait for the last byte: once the first file's type is known while more of it
 * is still to come, `onFirstFile` lets the job service create and start the job, whose stages
 * then read the file as it grows (uploads/growing-file.ts). A small file that arrives whole in
 * its first chunks starts its job at the end of the request instead, as one write.
 */
import { closeSync, createWriteStream, open as openCallback, writeSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import type { FastifyRequest } from 'fastify'
import { AppError, badRequest, fieldTooLarge, fileTooLarge, fromFrameworkError } from '../errors.ts'
import type { JobInputFile } from '../jobs/pipeline.ts'
import type { ReceivedUpload, UploadHooks } from '../jobs/service.ts'
import { SNIFF_BYTES, sniffBytes } from './sniff-type.ts'

/** The longest form field value; @fastify/multipart cuts longer ones and flags `valueTruncated`. */
export const MAX_FIELD_BYTES = 64 * 1024

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

/**
 * Reads every part of the request, file number n into `pathOf(n)`. On any error the files written
 * are removed and the error is one of errors.ts (a framework's own error is mapped there), so the
 * job service can record it as the job's failure when the job had already started.
 */
export async function receiveUpload (request: FastifyRequest, pathOf: (index: number) => string, maxBytes: number, hooks: UploadHooks): Promise<ReceivedUpload> {
  const files: JobInputFile[] = []
  const fields: Record<string, string> = {}
  let pipelineName: string | undefined
  let bytesBefore = 0
  /** Paths written to, including one cut short by the error. */
  const written: string[] = []
  try {
    for await (const part of request.parts()) {
      if (!FIELD_NAME.test(part.fieldname)) {
        throw badRequest('invalid_field', `The form field name "${part.fieldname.slice(0, 64)}" is not allowed; use letters, digits, "_", "-" or ".".`)
      }
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badRequest('invalid_field', `Files go in the "file" field, not "${part.fieldname}".`)
        if (hooks.stopped()) {
          // The job already ended (cancelled, or failed on its first rows): read on, store nothing.
          part.file.resume()
          await finished(part.file)
          continue
        }
        const name = displayName(part.filename)
        const path = pathOf(files.length + 1)
        written.push(path)
        const startsJob = files.length === 0
          ? (type: string, bytes: number) => hooks.onFirstFile({ file: { name, path, type, bytes }, pipelineName, fields: { ...fields } })
          : undefined
        const { bytes, type } = await storeFile(part.file, path, {
          startsJob,
          onBytes: bytes => hooks.onBytes(bytesBefore + bytes),
          stopped: hooks.stopped
        })
        if (part.file.truncated) throw fileTooLarge(maxBytes)
        if (bytes === 0) throw badRequest('empty_file', `The file "${name}" is empty.`)
        bytesBefore += bytes
        files.push({ name, path, type, bytes })
      } else if (part.valueTruncated) {
        throw fieldTooLarge(part.fieldname, MAX_FIELD_BYTES)
      } else if (part.fieldname === 'pipeline') {
        pipelineName = String(part.value)
      } else if (part.fieldname !== 'file') {
        fields[part.fieldname] = String(part.value)
      }
    }
    if (files.length === 0) throw badRequest('no_file', 'The upload has no file. Send it as multipart/form-data in a field named "file".')
    return { files, pipelineName, fields }
  } catch (error) {
    await Promise.all(written.map(path => unlink(path).catch(() => {})))
    throw asAppError(error, maxBytes)
  }
}

interface StoreFileOptions {
  /** Called once the type is known while more of the file is still to come (first file only). */
  startsJob: ((type: string, bytesSoFar: number) => Promise<void>) | undefined
  onBytes: (bytes: number) => void
  /** True once the job ended during its upload: the rest is read and thrown away, not stored. */
  stopped: () => boolean
}

/** Bytes of a file part held in memory on their way to disk (the write stream's buffer). */
const WRITE_BUFFER_BYTES = 1024 * 1024

const openFile = promisify(openCallback)

/**
 * Stores one file part. Its first SNIFF_BYTES are held in memory anyway (they decide its type),
 * so a file that ends within them is written at once (`writeSmallFile`); a longer one streams
 * to disk (`streamFile`).
 */
async function storeFile (source: NodeJS.ReadableStream, path: string, options: StoreFileOptions): Promise<{ bytes: number, type: string }> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const head: Buffer[] = []
  let headBytes = 0
  while (headBytes < SNIFF_BYTES) {
    const next = await chunks.next()
    if (next.done === true) return await writeSmallFile(head, path, options)
    head.push(next.value)
    headBytes += next.value.length
  }
  return await streamFile(head, { [Symbol.asyncIterator]: () => chunks }, path, options)
}

/**
 * A whole file shorter than SNIFF_BYTES, already in memory. Creating the file (its directory
 * entry) is the slow call and goes to the thread pool; writing a few kilobytes to the page cache
 * and closing take microseconds, less than two more round trips through it, so they run here.
 */
async function writeSmallFile (head: readonly Buffer[], path: string, { onBytes, stopped }: StoreFileOptions): Promise<{ bytes: number, type: string }> {
  const kept: Buffer[] = []
  let bytes = 0
  for (const chunk of head) {
    bytes += chunk.length
    if (stopped()) continue
    kept.push(chunk)
    onBytes(bytes)
  }
  const content = Buffer.concat(head)
  const stored = kept.length === head.length ? content : Buffer.concat(kept)
  const fd = await openFile(path, 'wx')
  try {
    for (let offset = 0; offset < stored.length;) offset += writeSync(fd, stored, offset)
  } finally {
    closeSync(fd)
  }
  return { bytes, type: await sniffBytes(content) }
}

/**
 * Writes a file part through a tap that counts and sniffs the bytes on their way to disk, and
 * starts the job once its type is known while more is still to come. The write stream keeps up
 * to WRITE_BUFFER_BYTES in flight and writes them together, so the socket is never waiting on
 * one disk write at a time.
 */
async function streamFile (head: readonly Buffer[], rest: AsyncIterable<Buffer>, path: string, { startsJob, onBytes, stopped }: StoreFileOptions): Promise<{ bytes: number, type: string }> {
  let bytes = 0
  let type: string | undefined
  // `head` holds the first SNIFF_BYTES already (storeFile read them to get here).
  const sniff = () => sniffBytes(Buffer.concat(head).subarray(0, SNIFF_BYTES))
  const tap = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (stopped()) return done()
      onBytes(bytes)
      if (!startsJob || type !== undefined || bytes < SNIFF_BYTES) return done(null, chunk)
      // The job starts before this chunk goes on: a refusal (415) stops the upload here.
      void (async () => {
        type = await sniff()
        await startsJob(type, bytes)
      })().then(() => done(null, chunk), done)
    }
  })
  async function * whole () {
    yield * head
    yield * rest
  }
  await pipeline(whole, tap, createWriteStream(path, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES }))
  type ??= await sniff()
  return { bytes, type }
}

function asAppError (error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error
  return fromFrameworkError(error as Error & { code?: string, statusCode?: number }, { maxUploadBytes: maxBytes }) ?? error
}

/** A printable, bounded name for display; path separators and control characters removed. */
function displayName (name: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const cleaned = (name ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200)
  return cleaned || 'upload'
}
