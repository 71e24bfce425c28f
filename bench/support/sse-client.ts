/** Minimal raw SSE clients for benchmarks: no EventSource overhead, so the server is what is measured. */
import { request, type ClientRequest } from 'node:http'

/** Opens one raw SSE connection; calls back for every event with its parsed data. */
export function openStream (url: string, onEvent: (name: string, data: Record<string, unknown>) => void): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, response => {
      let buffer = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const name = /^event: (.*)$/m.exec(frame)?.[1]
          const data = /^data: (.*)$/m.exec(frame)?.[1]
          if (name && data) onEvent(name, JSON.parse(data) as Record<string, unknown>)
        }
      })
      response.on('error', () => {})
      resolve(req)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Resolves when the stream delivers `complete` (replayed if the job finished before we connected). */
export function untilComplete (url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, response => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        text += chunk
        if (text.includes('event: complete')) { req.destroy(); resolve() } else if (/event: (failed|cancelled|interrupted)/.test(text)) { req.destroy(); reject(new Error(text)) }
      })
    })
    req.on('error', error => { if (!req.destroyed) reject(error) })
    req.end()
  })
}
