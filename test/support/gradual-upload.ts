/**
 * Uploads sent the way a slow link sends them, for tests and benchmarks of jobs that start on
 * an upload's first bytes: a multipart body with its Content-Length, written piece by piece
 * under the test's control; and a sales CSV whose true totals are known.
 */
import { randomUUID } from 'node:crypto'
import { request, type ClientRequest } from 'node:http'

const REGIONS = ['North', 'South', 'East', 'West']

/** Daily sales over three years, `rows` rows: the CSV and its true revenue total in cents. */
export function salesCsv (rows: number, columns = 'Date,Region,Revenue') {
  const lines = [columns]
  let cents = 0
  for (let row = 0; row < rows; row++) {
    const day = new Date(Date.UTC(2021, 0, 1 + Math.floor(row * 1095 / rows))).toISOString().slice(0, 10)
    const value = 100 + (row * 7919) % 10_000
    cents += value
    const extra = columns.split(',').length > 3 ? `,${(row % 50) + 1}` : ''
    lines.push(`${day},${REGIONS[row % REGIONS.length]},${(value / 100).toFixed(2)}${extra}`)
  }
  return { text: lines.join('\n') + '\n', cents }
}

export type Part = { field: string, value: string } | { file: string, content: string | Buffer }

/**
 * A multipart upload whose body the test sends piece by piece, with its Content-Length, as a
 * browser or `curl -F` on a slow link does: `sendUntil(n)` sends the body up to byte n.
 */
export function gradualUpload (url: string, id: string, parts: Part[]) {
  const boundary = `----stagecast${randomUUID()}`
  const body = Buffer.concat([...parts.flatMap(part => 'field' in part
    ? [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`)]
    : [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${part.file}"\r\nContent-Type: text/csv\r\n\r\n`), Buffer.from(part.content), Buffer.from('\r\n')]
  ), Buffer.from(`--${boundary}--\r\n`)])
  const req: ClientRequest = request(`${url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length, 'x-job-id': id }
  })
  const answered = new Promise<{ status: number, body: Record<string, unknown> }>((resolve, reject) => {
    req.on('response', response => {
      let text = ''
      response.on('data', chunk => { text += String(chunk) })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }))
    })
    req.on('error', reject)
  })
  answered.catch(() => {})
  let sent = 0
  return {
    bytes: body.length,
    answered,
    sendUntil (end: number) {
      if (end > sent) req.write(body.subarray(sent, end))
      sent = Math.max(sent, end)
    },
    finish () {
      req.end(body.subarray(sent))
      sent = body.length
    },
    abort: () => req.destroy()
  }
}
