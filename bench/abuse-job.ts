/**
 * The normal job the abuse run sends last: a small, valid sales CSV uploaded and followed over
 * its event stream to the end, as a browser would, and its result fetched.
 */
import { EventSource } from 'eventsource'

/** Three years of monthly revenue for two regions: enough history for the report's forecasts. */
export function monthlySalesCsv (): string {
  const rows = ['date,region,revenue']
  for (let month = 0; month < 36; month++) {
    const date = `${2022 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`
    const season = 1 + 0.2 * Math.sin((month % 12) / 12 * 2 * Math.PI)
    rows.push(`${date},North,${(1000 * season + month * 10).toFixed(2)}`, `${date},South,${(700 * season + month * 5).toFixed(2)}`)
  }
  return `${rows.join('\n')}\n`
}

export interface FollowedJob { status: string, ms: number, events: number }

const TERMINAL = ['complete', 'failed', 'cancelled', 'interrupted']

export async function followJob (baseUrl: string, csv: string, timeoutMs = 30_000): Promise<FollowedJob> {
  const started = performance.now()
  const form = new FormData()
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'sales.csv')
  const upload = await fetch(`${baseUrl}/api/jobs`, { method: 'POST', body: form })
  if (upload.status !== 202) return { status: `upload answered ${upload.status}`, ms: 0, events: 0 }
  const { links } = await upload.json() as { links: { events: string, result: string } }
  let events = 0
  const outcome = await new Promise<string>(resolve => {
    const source = new EventSource(baseUrl + links.events)
    const timer = setTimeout(() => { source.close(); resolve('no terminal event in time') }, timeoutMs)
    for (const type of ['progress', ...TERMINAL]) {
      source.addEventListener(type, () => {
        events++
        if (!TERMINAL.includes(type)) return
        clearTimeout(timer)
        source.close()
        resolve(type === 'complete' ? 'completed' : type)
      })
    }
  })
  if (outcome === 'completed' && (await fetch(baseUrl + links.result)).status !== 200) return { status: 'completed without a result', ms: 0, events }
  return { status: outcome, ms: Math.round(performance.now() - started), events }
}
