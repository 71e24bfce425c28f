/**
 * Multipart uploads, streamed: limits come from config so a huge or endless upload is cut off
 * with 413 instead of filling the disk.
 */
import multipart from '@fastify/multipart'
import fp from 'fastify-plugin'

export default fp(async function multipartPlugin (app) {
  await app.register(multipart, {
    limits: {
      fileSize: app.config.MAX_UPLOAD_BYTES,
      files: app.config.MAX_FILES,
      fields: 100,
      fieldSize: 64 * 1024,
      parts: app.config.MAX_FILES + 100,
      headerPairs: 100
    }
  })
}, { name: 'multipart' })
