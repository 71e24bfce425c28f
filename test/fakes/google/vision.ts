/** Fake Vision `images:annotate` (REST): keeps every image it is sent, answers with set text. */
import type { ServerResponse } from 'node:http'
import type { RecordedRequest } from './server.ts'
import { sendJson } from './server.ts'

export interface VisionState {
  /** Decoded `image.content` of every request, in order. */
  images: Buffer[]
  /** Features asked for, per request. */
  features?: unknown[]
  text: string
  confidence: number
}

interface AnnotateRequest { requests: Array<{ image?: { content?: string }, features?: unknown[] }> }

export function handleVision (vision: VisionState, request: RecordedRequest, response: ServerResponse) {
  const body = JSON.parse(request.body.toString('utf8')) as AnnotateRequest
  const responses = body.requests.map(item => {
    vision.images.push(Buffer.from(item.image?.content ?? '', 'base64'))
    vision.features = [...(vision.features ?? []), ...(item.features ?? [])]
    return { fullTextAnnotation: { text: vision.text, pages: [{ confidence: vision.confidence, width: 0, height: 0 }] } }
  })
  sendJson(response, 200, { responses })
}
