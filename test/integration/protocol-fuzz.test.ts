/**
 * Protocol fuzzing against the real listening server: every route is sent malformed methods,
 * headers, ids and bodies (bench/abuse-protocol.ts), with API keys off and on. Each answer,
 * whichever layer gives it (Node's parser, the router, CORS, the body parsers, the routes),
 * must be a 4xx with a JSON `{ error, message }` whose code is a catalogue code, with no server
 * path or stack in it — and the server must still answer afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { exchange, type Exchange } from '../../bench/abuse-http.ts'
import { protocolCases } from '../../bench/abuse-protocol.ts'
import { buildTestApp, type TestApp } from '../support/build-app.ts'
import { instantPipeline } from '../support/test-pipelines.ts'

let server: TestApp | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const LEAK = /\/work\/|\/home\/|\/tmp\/|node_modules|\.ts:\d+|\.js:\d+|\bat [^\n]+:\d+:\d+/

/** What is wrong with an answer, or null when it is a clean catalogue error. */
function problemWith (answer: Exchange): string | null {
  if (answer.status === null) return answer.timedOut ? 'no answer within 10 s' : 'closed without an answer'
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}`
  if (!answer.contentType.startsWith('application/json')) return `content type ${JSON.stringify(answer.contentType)}`
  if (LEAK.test(answer.body)) return `leaks a path or stack: ${answer.body.slice(0, 200)}`
  let body: { error?: unknown, message?: unknown }
  try {
    body = JSON.parse(answer.body) as typeof body
  } catch {
    return `body is not JSON: ${answer.body.slice(0, 100)}`
  }
  if (typeof body.error !== 'string' || !/^[a-z][a-z0-9_]+$/.test(body.error)) return `error ${JSON.stringify(body.error)} is not a catalogue code`
  if (typeof body.message !== 'string' || body.message.length < 10) return `message ${JSON.stringify(body.message)}`
  return null
}

async function fuzz (current: TestApp) {
  const target = { host: '127.0.0.1' as const, port: Number(new URL(current.url).port) }
  const cases = protocolCases()
  const problems: string[] = []
  const codes = new Map<string, number>()
  let next = 0
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < cases.length) {
      const { name, request } = cases[next++] as (typeof cases)[number]
      const answer = await exchange(target, request)
      const problem = problemWith(answer)
      if (problem) problems.push(`${name}: ${problem}`)
      else {
        const code = `${answer.status} ${(JSON.parse(answer.body) as { error: string }).error}`
        codes.set(code, (codes.get(code) ?? 0) + 1)
      }
    }
  }))
  return { problems, codes, count: cases.length }
}

describe('protocol fuzzing', () => {
  it('answers every malformed request to every route with a 4xx JSON {error, message}, and stays up', async () => {
    const current = server = await buildTestApp({ RATE_LIMIT_UPLOADS_PER_MINUTE: '0' }, { listen: true, pipelines: [instantPipeline()] })
    const { problems, codes, count } = await fuzz(current)
    expect(problems).toEqual([])
    expect(count).toBeGreaterThan(300)
    // Each layer answered some of them (a sign the cases reach what they aim at).
    for (const code of ['400 unknown_method', '400 malformed_request', '431 headers_too_large', '400 invalid_preflight', '405 method_not_allowed',
      '400 invalid_url', '414 url_segment_too_long', '404 route_not_found', '417 expectation_failed', '400 missing_host', '400 invalid_content_length',
      '400 invalid_json', '415 unsupported_media_type', '413 body_too_large', '400 invalid_request', '400 invalid_last_event_id']) {
      expect(codes.get(code), code).toBeGreaterThan(0)
    }
    expect((await fetch(`${current.url}/health`)).status).toBe(200)
    expect(current.app.streams.open.size).toBe(0)
  }, 60_000)

  it('does the same with API keys on, where access control answers first', async () => {
    const current = server = await buildTestApp({ API_KEYS: 'fuzz-test-key-0123456789', RATE_LIMIT_UPLOADS_PER_MINUTE: '0' }, { listen: true, pipelines: [instantPipeline()] })
    const { problems, codes } = await fuzz(current)
    expect(problems).toEqual([])
    expect(codes.get('401 api_key_required')).toBeGreaterThan(0)
    expect((await fetch(`${current.url}/health`)).status).toBe(200)
  }, 60_000)
})
