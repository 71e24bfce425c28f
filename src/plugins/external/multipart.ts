/**
 * Multipart uploads, streamed: limits come from config so a huge or endless upload is cut off
 * with 413 instead of filling the disk.
 */
import multipart from '@fastify/multipart'
import fp from 'fastify-plugin'
import { MAX_FIELD_BYTES } from '../../uploads/receive-upload.ts'

export default fp(async function multipartPlugin (app) {
  await app.register(multipart, {
    limits: {
      fileSize: app.config.MAX_UPLOAD_BYTES,
      files: app.config.MAX_FILES,
      fields: 100,
      fieldSize: MAX_FIELD_BYTES,
      parts: app.config.MAX_FILES + 100,
      headerPairs: 100
    }
  })
}, { name: 'multipart' })
