/**
 * The malformed requests the abuse run sends: hand-written broken multipart bodies and file
 * names, and seeded mutations of a valid upload (byte flips, cuts, repeats, inserted garbage),
 * so a failing run can be replayed with the same seed.
 */
import { seededRandom } from '../samples/generate-sales.ts'
import { fieldPart, filePart, multipartRequest, rawRequest } from './abuse-http.ts'

export const VALID_CSV = 'date,region,revenue\n2024-01-01,North,10\n2024-02-01,North,12\n2024-03-01,South,9\n'

export interface Case {
  name: string
  request: Buffer
  /** The request may be valid after all (a harmless mutation, a hostile but usable file name): 202 is fine. */
  mayBeAccepted?: boolean
  /** The request is wrong however it is read: it must get a 4xx with a JSON body (a 5xx or an empty body is a problem). */
  clientError?: boolean
}

/** Broken multipart framing and forms: each must get a clean 4xx/5xx. */
export function malformedUploads (maxUploadBytes: number): Case[] {
  const csv = filePart('sales.csv', VALID_CSV)
  const cases: Array<[string, Buffer]> = [
    ['multipart without boundary', multipartRequest([csv], { contentType: 'multipart/form-data' })],
    ['boundary that never appears', multipartRequest([csv], { contentType: 'multipart/form-data; boundary=somethingElse' })],
    ['body cut before the closing boundary', multipartRequest([csv], { closing: false })],
    ['part without headers', multipartRequest([{ headers: [], body: VALID_CSV }])],
    ['part header without a colon', multipartRequest([{ headers: ['Content-Disposition form-data name=file'], body: VALID_CSV }])],
    ['file in a field not named file', multipartRequest([filePart('a.csv', VALID_CSV, 'upload')])],
    ['no file at all', multipartRequest([fieldPart('pipeline', 'report')])],
    ['empty file', multipartRequest([filePart('empty.csv', '')])],
    ['unknown pipeline', multipartRequest([fieldPart('pipeline', '../../etc/passwd'), csv])],
    ['field name with a slash', multipartRequest([fieldPart('../../x', 'y'), csv])],
    ['200 form fields', multipartRequest([...Array.from({ length: 200 }, (_, i) => fieldPart(`f${i}`, 'v')), csv])],
    ['500 files', multipartRequest(Array.from({ length: 500 }, (_, i) => filePart(`${i}.csv`, VALID_CSV)))],
    ['file over MAX_UPLOAD_BYTES', multipartRequest([filePart('big.csv', Buffer.alloc(maxUploadBytes + 1024, 'a'))])],
    ['executable disguised as CSV', multipartRequest([filePart('x.csv', Buffer.from('7f454c46020101000000000000000000', 'hex'))])],
    ['nested multipart/mixed', multipartRequest([{ headers: ['Content-Disposition: form-data; name="file"', 'Content-Type: multipart/mixed; boundary=inner'], body: `--inner\r\n\r\n${VALID_CSV}\r\n--inner--` }])],
    ['JSON body', rawRequest('POST', '/api/jobs', '{"file": "a.csv"', ['Content-Type: application/json'])],
    ['form-urlencoded body', rawRequest('POST', '/api/jobs', 'file=a.csv', ['Content-Type: application/x-www-form-urlencoded'])],
    ['no content type', rawRequest('POST', '/api/jobs', VALID_CSV)],
    ['X-Job-Id that is a path', multipartRequest([csv], { extraHeaders: ['X-Job-Id: ../../../../etc/passwd'] })],
    ['X-Job-Id that is not a UUID', multipartRequest([csv], { extraHeaders: ['X-Job-Id: 1 OR 1=1'] })],
    ['stream id that is a path', rawRequest('GET', '/api/progress/..%2F..%2Fetc%2Fpasswd')],
    ['Last-Event-ID that is not a number', rawRequest('GET', `/api/progress/${'3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10'}`, '', ['Last-Event-ID: 1e308'])],
    ['job list with a huge limit', rawRequest('GET', '/api/jobs?limit=99999999999999999999')],
    ['unknown method', rawRequest('PATCH', '/api/jobs')],
    ['static path traversal', rawRequest('GET', '/assets/..%2f..%2f..%2fpackage.json')]
  ]
  return [
    ...cases.map(([name, request]) => ({ name, request })),
    // Accepted today: @fastify/multipart cuts a field value at 64 KiB without saying so.
    { name: 'field value of 1 MiB', request: multipartRequest([fieldPart('note', 'x'.repeat(1024 * 1024)), csv]), mayBeAccepted: true },
    { name: 'invalid UTF-8 in the file name', request: multipartRequest([{ headers: ['Content-Disposition: form-data; name="file"; filename="\xff\xfe.csv"'], body: VALID_CSV }]), mayBeAccepted: true }
  ]
}

/** Uploads whose file names try to escape the upload folder; they may be accepted, never obeyed. */
export function traversalUploads (marker: string): Case[] {
  const names = [
    `../../../../../../tmp/${marker}.csv`, `..\\..\\..\\${marker}.csv`, `/etc/${marker}.csv`, `C:\\Windows\\${marker}.csv`,
    `${marker}\u0000.csv`, `..%2f..%2f${marker}.csv`, `${'../'.repeat(200)}${marker}.csv`, `${'a'.repeat(5000)}${marker}.csv`,
    `./${marker}/../../${marker}.csv`, `\u202e${marker}vsc.exe`
  ]
  return names.map(name => ({ name: `file name ${JSON.stringify(name.slice(0, 40))}`, request: multipartRequest([filePart(name, VALID_CSV)]), mayBeAccepted: true }))
}

/** Seeded mutations of a valid upload. Some stay valid (and are accepted); none may crash anything. */
export function mutatedUploads (count: number, seed: number): Case[] {
  const random = seededRandom(seed)
  const pick = (n: number) => Math.floor(random() * n)
  const valid = multipartRequest([fieldPart('pipeline', 'report'), filePart('sales.csv', VALID_CSV)])
  const headerEnd = valid.indexOf('\r\n\r\n') + 4
  const head = valid.subarray(0, headerEnd).toString('latin1')
  const body = valid.subarray(headerEnd)
  const cases: Case[] = []
  for (let i = 0; i < count; i++) {
    let mutated = Buffer.from(body)
    const operation = pick(5)
    if (operation === 0) {
      for (let flips = 1 + pick(8); flips > 0; flips--) mutated[pick(mutated.length)] = pick(256)
    } else if (operation === 1) {
      mutated = mutated.subarray(0, pick(mutated.length))
    } else if (operation === 2) {
      const start = pick(mutated.length)
      const piece = mutated.subarray(start, start + 1 + pick(64))
      mutated = Buffer.concat([mutated, ...Array.from({ length: 1 + pick(50) }, () => piece)])
    } else if (operation === 3) {
      const at = pick(mutated.length)
      mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(512) }, () => pick(256))), mutated.subarray(at)])
    } else {
      mutated = Buffer.from(mutated.toString('latin1').replace(/\r\n/g, () => ['\n', '\r', '\r\n\r\n', ''][pick(4)] ?? ''), 'latin1')
    }
    const fixedHead = head.replace(/Content-Length: \d+/, `Content-Length: ${mutated.length}`)
    cases.push({ name: `mutation ${i} (op ${operation})`, request: Buffer.concat([Buffer.from(fixedHead, 'latin1'), mutated]), mayBeAccepted: true })
  }
  return cases
}

/** Random bytes in place of HTTP, and HTTP with random bytes after the headers. */
export function garbage (count: number, seed: number): Case[] {
  const random = seededRandom(seed)
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)))
  return Array.from({ length: count }, (_, i) => i % 2 === 0
    ? { name: `random bytes ${i}`, request: bytes(1 + Math.floor(random() * 65_536)) }
    : { name: `random body ${i}`, request: rawRequest('POST', '/api/jobs', bytes(1 + Math.floor(random() * 65_536)), [`Content-Type: multipart/form-data; boundary=${bytes(8).toString('hex')}`]) })
}

/** Requests whose head is too large or malformed for the HTTP parser. */
export function hugeHeads (): Case[] {
  return [
    { name: 'one 64 KiB header', request: rawRequest('GET', '/health', '', [`X-Big: ${'a'.repeat(64 * 1024)}`]) },
    { name: '2,000 headers', request: rawRequest('GET', '/health', '', Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`)) },
    { name: '100 KiB URL', request: rawRequest('GET', `/api/jobs/${'a'.repeat(100 * 1024)}`) },
    { name: '16 KiB cookie', request: rawRequest('GET', '/api/jobs', '', [`Cookie: ${'c=1; '.repeat(3300)}`]) },
    { name: 'header without colon', request: Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n') },
    { name: 'CR-only line ends', request: Buffer.from('GET /health HTTP/1.1\rHost: x\r\r') },
    { name: 'duplicate Content-Length', request: Buffer.from('POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello') },
    { name: 'chunked with bad sizes', request: Buffer.from('POST /api/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\nzz\r\nhello\r\n0\r\n\r\n') },
    { name: 'request smuggling: TE and CL', request: Buffer.from('POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\n\r\n') },
    // Node's parser answers a version-less GET like any other; what matters is a clean answer.
    { name: 'HTTP/0.9 request line', request: Buffer.from('GET /\r\n\r\n'), mayBeAccepted: true },
    { name: 'HTTP/0.9 upload', request: Buffer.from('POST /api/jobs\r\n\r\n') }
  ]
}
