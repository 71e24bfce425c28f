/**
 * The protocol edges the abuse run checks once the attacks are over, each as a client hits it:
 * a HEAD of a stream followed by another request on the same keep-alive connection (no body may
 * leak into it), a resume whose Last-Event-ID is beyond the job's log (it must still deliver the
 * outcome, after a `reset`), and a 100,000-column CSV (it must fail saying there are too many
 * columns). Returns what went wrong; empty when all held.
 */
import { EventSource } from 'eventsource'
import { exchange, type Target } from './abuse-http.ts'
import { monthlySalesCsv } from './abuse-job.ts'

const TERMINAL = ['complete', 'failed', 'cancelled', 'interrupted']

interface Seen { type: string, data: Record<string, unknown> }

/** Opens `url` with EventSource and collects events until a terminal one (or `timeoutMs`). */
function follow (url: string, timeoutMs: number): Promise<Seen[]> {
  return new Promise(resolve => {
    const seen: Seen[] = []
    const source = new EventSource(url)
    const done = () => { clearTimeout(timer); source.close(); resolve(seen) }
    const timer = setTimeout(done, timeoutMs)
    for (const type of ['connected', 'reset', 'progress', 'timeout', ...TERMINAL]) {
      source.addEventListener(type, event => {
        seen.push({ type, data: JSON.parse(event.data) as Record<string, unknown> })
        if (TERMINAL.includes(type)) done()
      })
    }
  })
}

async function upload (baseUrl: string, csv: string, name: string): Promise<{ id: string, events: string } | string> {
  const form = new FormData()
  form.append('file', new Blob([csv], { type: 'text/csv' }), name)
  const response = await fetch(`${baseUrl}/api/jobs`, { method: 'POST', body: form })
  if (response.status !== 202) return `upload answered ${response.status}`
  const { id, links } = await response.json() as { id: string, links: { events: string } }
  return { id, events: links.events }
}

export async function probeProtocolEdges (baseUrl: string, target: Target, timeoutMs: number): Promise<{ checked: number, problems: string[] }> {
  const problems: string[] = []

  const job = await upload(baseUrl, monthlySalesCsv(), 'sales.csv')
  if (typeof job === 'string') return { checked: 0, problems: [`edge probes: ${job}`] }
  const first = await follow(baseUrl + job.events, timeoutMs)
  if (!first.some(event => TERMINAL.includes(event.type))) problems.push('edge probes: the sample job did not finish in time')

  const answer = await exchange(target, Buffer.from(`HEAD ${job.events} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
  if (answer.status !== 200 || answer.contentType !== 'text/event-stream; charset=utf-8') problems.push(`HEAD of a stream answered ${answer.status} ${answer.contentType}`)
  if (!/^HTTP\/1\.1 200 [^]*"status":"ok"/.test(answer.body)) problems.push(`HEAD of a stream leaked a body into the next response: ${JSON.stringify(answer.body.slice(0, 120))}`)

  const ahead = await follow(`${baseUrl}${job.events}?lastEventId=99999999`, timeoutMs)
  if (ahead[1]?.type !== 'reset') problems.push(`a Last-Event-ID beyond the log got ${ahead.map(event => event.type).join(', ')} (no reset after connected)`)
  if (!ahead.some(event => TERMINAL.includes(event.type))) problems.push('a Last-Event-ID beyond the log never got the outcome')

  // Short names and empty cells keep it under the abuse server's 1 MiB upload limit (~0.9 MB).
  const columns = 100_000
  const header = ['date', ...Array.from({ length: columns - 1 }, (_, i) => `c${i.toString(36)}`)].join(',')
  const row = (day: number) => `2024-01-${String(day).padStart(2, '0')}${','.repeat(columns - 1)}`
  const wide = await upload(baseUrl, `${header}\n${Array.from({ length: 3 }, (_, i) => row(i + 1)).join('\n')}\n`, 'wide.csv')
  if (typeof wide === 'string') problems.push(`100,000-column CSV: ${wide}`)
  else {
    const outcome = (await follow(baseUrl + wide.events, timeoutMs)).find(event => TERMINAL.includes(event.type))
    if (outcome?.type !== 'failed' || outcome.data.code !== 'too_many_columns') {
      problems.push(`a 100,000-column CSV ended ${outcome?.type ?? 'with no outcome'} (${String(outcome?.data.code ?? '')}), not failed too_many_columns`)
    }
  }
  return { checked: 4, problems }
}
