/**
 * Protocol fuzzing: every route of the server sent malformed methods, headers, ids and bodies.
 * Unlike the upload mutations, every one of these requests is wrong, so each must be answered
 * with a 4xx and a JSON `{ error, message }` — from whichever layer answers it: Node's HTTP
 * parser (through our client-error handler), Fastify's router, CORS preflight, the body parsers
 * or the routes. Shared by the CI fuzz test and the abuse run.
 */
import { rawRequest } from './abuse-http.ts'

export interface ProtocolCase {
  name: string
  request: Buffer
}

/** A route with its path parameter, if any, written as `{id}`, and the methods it answers. */
interface Route { path: string, methods: readonly string[] }

const SOME_ID = '3f6c1a9e-8b2d-4c1e-9f3a-2b7d5e8c4a10'

export const ROUTES: readonly Route[] = [
  { path: '/api/jobs', methods: ['GET', 'HEAD', 'POST'] },
  { path: '/api/jobs/{id}', methods: ['GET', 'HEAD', 'DELETE'] },
  { path: '/api/jobs/{id}/result', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/{id}/report.pdf', methods: ['GET', 'HEAD'] },
  { path: '/api/progress/{id}', methods: ['GET', 'HEAD'] },
  { path: '/health', methods: ['GET', 'HEAD'] },
  { path: '/ready', methods: ['GET', 'HEAD'] },
  { path: '/metrics', methods: ['GET', 'HEAD'] },
  { path: '/docs/json', methods: ['GET', 'HEAD'] },
  { path: '/', methods: ['GET', 'HEAD'] },
  { path: '/assets/styles.css', methods: ['GET', 'HEAD'] }
]

/** Methods Node's parser knows but no route here answers; and tokens that are not methods at all. */
const OTHER_METHODS = ['PUT', 'PATCH', 'POST', 'DELETE', 'PROPFIND', 'TRACE', 'MKCOL', 'PURGE']
const NOT_METHODS = ['FOO', 'get', 'G\u0000T', 'GETT']

const BAD_IDS: Array<[string, string]> = [
  ['not a UUID', 'not-a-uuid'],
  ['a UUID with a suffix', `${SOME_ID}x`],
  ['a 300-character id', 'a'.repeat(300)],
  ['a broken percent-escape', '%zz'],
  ['an encoded NUL', `${SOME_ID.slice(0, 8)}%00`],
  ['an encoded path', '..%2F..%2Fetc%2Fpasswd'],
  ['an overlong UTF-8 escape', '%C0%AE%C0%AE'],
  ['an id with a trailing segment', `${SOME_ID}/extra`]
]

const fill = (path: string, id = SOME_ID) => path.replace('{id}', id)

function raw (method: string, path: string, headers: string[] = [], body = ''): Buffer {
  return rawRequest(method, path, body, headers)
}

export function protocolCases (): ProtocolCase[] {
  const cases: ProtocolCase[] = []
  const add = (name: string, request: Buffer) => cases.push({ name, request })
  for (const route of ROUTES) {
    const path = fill(route.path)
    for (const method of OTHER_METHODS.filter(method => !route.methods.includes(method))) {
      add(`${method} ${route.path}`, raw(method, path, method === 'POST' || method === 'PUT' || method === 'PATCH' ? ['Content-Type: text/plain'] : [], method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'x' : ''))
    }
    for (const method of NOT_METHODS) add(`method ${JSON.stringify(method)} ${route.path}`, raw(method, path))
    add(`OPTIONS ${route.path} without preflight headers`, raw('OPTIONS', path))
    add(`OPTIONS ${route.path} with Origin only`, raw('OPTIONS', path, ['Origin: http://example.com']))
    add(`CONNECT to ${route.path}`, Buffer.from(`CONNECT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`))
    if (route.path.includes('{id}')) {
      for (const method of route.methods.filter(method => method !== 'HEAD')) {
        for (const [what, id] of BAD_IDS) add(`${method} ${route.path} with ${what}`, raw(method, fill(route.path, id)))
      }
    }
    const method = route.methods[0] as string
    add(`${route.path}: Content-Length that is not a number`, raw(method, path, ['Content-Length: abc']))
    add(`${route.path}: two different Content-Lengths`, Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`))
    add(`${route.path}: Transfer-Encoding that is not chunked`, raw(method, path, ['Transfer-Encoding: gzip']))
    add(`${route.path}: Transfer-Encoding and Content-Length`, Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`))
    add(`${route.path}: a control character in a header value`, raw(method, path, ['X-Note: a\u0001b']))
    add(`${route.path}: a space in a header name`, raw(method, path, ['X Note: b']))
    add(`${route.path}: a header line without a colon`, raw(method, path, ['no colon here']))
    add(`${route.path}: a 32 KiB header`, raw(method, path, [`X-Big: ${'a'.repeat(32 * 1024)}`]))
    add(`${route.path}: a 20 KiB query string`, raw(method, `${path}?q=${'a'.repeat(20 * 1024)}`))
    add(`${route.path}: no Host header`, Buffer.from(`${method} ${path} HTTP/1.1\r\nConnection: close\r\n\r\n`))
    add(`${route.path}: HTTP/1.7 request line`, Buffer.from(`${method} ${path} HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n`))
    add(`${route.path}: an unsupported Expect`, raw(method, path, ['Expect: teapot']))
    add(`${route.path}: a broken percent-escape in the path`, raw(method, `${path}%zz`))
  }
  // Route-specific headers and bodies.
  add('progress with a Last-Event-ID that is not a number', raw('GET', fill('/api/progress/{id}'), ['Last-Event-ID: 1e3']))
  add('progress with a 16-digit Last-Event-ID', raw('GET', fill('/api/progress/{id}'), ['Last-Event-ID: 1234567890123456']))
  add('progress with a negative ?lastEventId', raw('GET', `${fill('/api/progress/{id}')}?lastEventId=-1`))
  add('upload with an X-Job-Id that is not a UUID', raw('POST', '/api/jobs', ['X-Job-Id: 42', 'Content-Type: multipart/form-data; boundary=b'], '--b--\r\n'))
  add('upload with broken JSON', raw('POST', '/api/jobs', ['Content-Type: application/json'], '{"file": '))
  add('upload with an empty JSON body', raw('POST', '/api/jobs', ['Content-Type: application/json'], ''))
  add('upload with a 2 MiB JSON body', raw('POST', '/api/jobs', ['Content-Type: application/json'], `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`))
  add('upload as XML', raw('POST', '/api/jobs', ['Content-Type: application/xml'], '<file/>'))
  add('upload with a content type that is not one', raw('POST', '/api/jobs', ['Content-Type: ;;;'], 'x'))
  add('upload as multipart without a boundary', raw('POST', '/api/jobs', ['Content-Type: multipart/form-data'], 'x'))
  add('delete with broken JSON', raw('DELETE', fill('/api/jobs/{id}'), ['Content-Type: application/json'], '{'))
  add('delete with an unknown content type', raw('DELETE', fill('/api/jobs/{id}'), ['Content-Type: text/xml'], '<x/>'))
  add('job list with a limit that is not a number', raw('GET', '/api/jobs?limit=abc'))
  add('job list with an unknown status', raw('GET', '/api/jobs?status=%00'))
  add('job list with a limit of a million', raw('GET', '/api/jobs?limit=1000000'))
  add('an unknown /api route', raw('GET', '/api/nothing-here'))
  add('HTTP/2 prior-knowledge preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))
  return cases
}
