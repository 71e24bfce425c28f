/**
 * A throughput benchmark's client, as cheap as it can be so that the server is what is
 * measured: the upload is one prebuilt multipart request written on a kept-alive socket (as
 * fetch would, without undici's and FormData's work), and the progress stream is a new
 * connection per job (as EventSource opens one) read only for its terminal event. No HTTP
 * library: the replies are parsed just enough to be checked.
 */
import { connect, type Socket } from 'node:net'

export interface Upload { status: number, body: string }

/** One kept-alive connection that posts uploads one at a time and reads each reply. */
export class UploadConnection {
  readonly #host: string
  readonly #port: number
  #socket: Socket | undefined
  #buffer = ''
  #waiting: { resolve: (upload: Upload) => void, reject: (error: Error) => void } | undefined

  constructor (url: string) {
    const { hostname, port } = new URL(url)
    this.#host = hostname
    this.#port = Number(port)
  }

  /** Sends `request` (a whole HTTP request, headers and body) and resolves with the reply. */
  send (request: Buffer): Promise<Upload> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
      this.#connected().write(request)
    })
  }

  close (): void { this.#socket?.destroy() }

  #connected (): Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket
    const socket = connect(this.#port, this.#host)
    socket.setNoDelay(true)
    socket.setEncoding('latin1')
    this.#buffer = ''
    socket.on('data', (chunk: string) => { this.#buffer += chunk; this.#parse() })
    const fail = (error: Error) => {
      if (this.#socket === socket) this.#socket = undefined
      const waiting = this.#waiting
      this.#waiting = undefined
      waiting?.reject(error)
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('the server closed the upload connection')))
    this.#socket = socket
    return socket
  }

  #parse () {
    const headEnd = this.#buffer.indexOf('\r\n\r\n')
    if (headEnd < 0) return
    const head = this.#buffer.slice(0, headEnd)
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
    if (length === undefined) throw new Error(`a reply without Content-Length: ${head}`)
    const end = headEnd + 4 + Number(length)
    if (this.#buffer.length < end) return
    const body = Buffer.from(this.#buffer.slice(headEnd + 4, end), 'latin1').toString('utf8')
    this.#buffer = this.#buffer.slice(end)
    const waiting = this.#waiting
    this.#waiting = undefined
    if (/\r\nconnection: *close/i.test(head)) this.close()
    waiting?.resolve({ status: Number(head.slice(9, 12)), body })
  }
}

/** A `POST path` of one multipart form with text fields and one file, ready to write as is. */
export function multipartRequest (url: string, path: string, fields: Record<string, string>, file: { name: string, type: string, content: string }): Buffer {
  const { host } = new URL(url)
  const boundary = '----stagecast-bench-boundary'
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.content}\r\n--${boundary}--\r\n`)
  const body = Buffer.from(parts.join(''))
  const head = `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`
  return Buffer.concat([Buffer.from(head), body])
}

/**
 * Opens the stream on a new connection and resolves at its `complete` event (replayed if the
 * job finished first); rejects on `failed`, `cancelled` or `interrupted`, or if it ends first.
 */
export function untilStreamCompletes (url: string): Promise<void> {
  const { hostname, port, pathname, search } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    socket.setEncoding('latin1')
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n`)
    let text = ''
    let done = false
    const finish = (error?: Error) => {
      if (done) return
      done = true
      socket.destroy()
      if (error) reject(error)
      else resolve()
    }
    socket.on('data', (chunk: string) => {
      // Only the new text (and the end of the old, where a line may have been cut) is searched.
      const from = Math.max(0, text.length - 32)
      text += chunk
      const fresh = text.slice(from)
      if (fresh.includes('\nevent: complete\n')) finish()
      else if (/\nevent: (failed|cancelled|interrupted)\n/.test(fresh)) finish(new Error(text))
    })
    socket.on('error', finish)
    socket.on('close', () => finish(new Error(`the stream ended before complete: ${text}`)))
  })
}
