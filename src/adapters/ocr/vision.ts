/**
 * Google Cloud Vision OCR (`DOCUMENT_TEXT_DETECTION`), used when Google credentials are
 * configured and OCR_ENGINE is `auto` or `vision`. One client per process; its connection and
 * token are reused by every page. Retries are ours (429/5xx with backoff), not the library's,
 * so every Google call follows one policy.
 */
import { readFile } from 'node:fs/promises'
import type { ImageAnnotatorClient } from '@google-cloud/vision'
import type { GoogleAuthHandle } from '../google/auth.ts'
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../google/retry.ts'
import type { Ocr, OcrResult } from './types.ts'

export interface VisionOptions {
  google: GoogleAuthHandle
  /** Tests: a local fake Vision over HTTP/1 REST (`fallback`); production uses gRPC to Google. */
  endpoint?: { host: string, port: number, protocol: 'http' | 'https' }
  retry?: RetryPolicy
  pageTimeoutMs: number
}

export async function createVisionOcr (options: VisionOptions): Promise<Ocr> {
  // Loaded only when Vision is chosen: the client and its protos are large.
  const vision = await import('@google-cloud/vision')
  const { endpoint } = options
  const client: ImageAnnotatorClient = new vision.ImageAnnotatorClient({
    auth: options.google.auth,
    ...(endpoint ? { fallback: true, apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.protocol } : {})
  })
  const policy = options.retry ?? DEFAULT_RETRY
  let closed = false

  return {
    engine: 'vision',
    async recognize (image, { signal }): Promise<OcrResult> {
      if (closed) throw new Error('The OCR engine has been shut down.')
      const content = await readFile(image.path)
      const [response] = await withRetry(async () => {
        const [batch] = await client.batchAnnotateImages({
          requests: [{ image: { content }, features: [{ type: 'DOCUMENT_TEXT_DETECTION' }] }]
        }, { timeout: options.pageTimeoutMs, retry: null, signal })
        const first = batch.responses?.[0]
        // A per-image error arrives inside a 200 response; its `code` is a gRPC status.
        if (first?.error?.code) throw Object.assign(new Error(`Vision: ${first.error.message ?? 'error'}`), { code: first.error.code })
        return [first]
      }, { policy, signal })
      const annotation = response?.fullTextAnnotation
      const text = (annotation?.text ?? '').trim()
      const confidences = (annotation?.pages ?? []).map(page => page.confidence).filter((c): c is number => typeof c === 'number' && c > 0)
      const confidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null
      return { text, confidence: text && confidence !== null ? Math.round(confidence * 1000) / 1000 : null }
    },
    async release () {},
    async close () {
      if (closed) return
      closed = true
      await client.close()
    }
  }
}
