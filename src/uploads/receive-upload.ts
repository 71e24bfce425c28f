/**
 * Streams a multipart upload to disk part by part — never buffered whole — under
 * `uploads/<jobId>/` with names we choose (`1.upload`, `2.upload`…), then sniffs each file's
 * type from its first bytes, kept as they stream past (the file is never read back). The
 * client's file name is kept for display only.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FastifyRequest } from 'fastify'
import { badRequest, fieldTooLarge, fileTooLarge } from '../errors.ts'
import type { JobInputFile } from '../jobs/pipeline.ts'
import type { ReceivedUpload } from '../jobs/service.ts'
import { SNIFF_BYTES, sniffBytes } from './sniff-type.ts'

/** The longest form field value; @fastify/multipart cuts longer ones and flags `valueTruncated`. */
export const MAX_FIELD_BYTES = 64 * 1024

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

/** Reads every part of the request into `dir`; on any error the folder is removed. */
export async function receiveUpload (request: FastifyRequest, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  const files: JobInputFile[] = []
  const fields: Record<string, string> = {}
  let pipelineName: string | undefined
  // Not recursive: on a read-only or vanished DATA_DIR a recursive mkdir reports ENOENT instead
  // of the real cause, and the parent is made at start-up (data-dir.ts).
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error })
  try {
    for await (const part of request.parts()) {
      if (!FIELD_NAME.test(part.fieldname)) {
        throw badRequest('invalid_field', `The form field name "${part.fieldname.slice(0, 64)}" is not allowed; use letters, digits, "_", "-" or ".".`)
      }
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badRequest('invalid_field', `Files go in the "file" field, not "${part.fieldname}".`)
        const path = join(dir, `${files.length + 1}.upload`)
        const head: Buffer[] = []
        let size = 0
        part.file.on('data', (chunk: Buffer) => {
          if (size < SNIFF_BYTES) head.push(chunk)
          size += chunk.length
        })
        await pipeline(part.file, createWriteStream(path))
        if (part.file.truncated) throw fileTooLarge(maxBytes)
        if (size === 0) throw badRequest('empty_file', `The file "${displayName(part.filename)}" is empty.`)
        files.push({ name: displayName(part.filename), path, type: await sniffBytes(Buffer.concat(head).subarray(0, SNIFF_BYTES)), bytes: size })
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
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/** A printable, bounded name for display; path separators and control characters removed. */
function displayName (name: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const cleaned = (name ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200)
  return cleaned || 'upload'
}
