/** Minimal raw SSE clients for benchmarks: no EventSource overhead, so the server is what is measured. */
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'

/**
 * Opens one SSE connection on a bare TCP socket and calls back for every event with its parsed
 * data. No HTTP client library: with 10,000 streams in one client process, a full HTTP parser
 * per message would make the client, not the server, the thing being measured. The server
 * writes each SSE message as one chunk, so splitting on the blank line between messages is
 * enough; chunk-size lines end up as extra lines in a frame and are ignored.
 */
export function openStream (url: string, onEvent: (name: string, data: Record<string, unknown>) => void): Promise<Socket> {
  const { hostname, port, pathname, search } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`)
      socket.off('error', reject)
      socket.on('error', () => {})
      resolve(socket)
    })
    socket.once('error', reject)
    socket.setEncoding('utf8')
    let buffer = ''
    socket.on('data', (chunk: string) => {
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
