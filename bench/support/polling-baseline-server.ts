/**
 * The design stagecast replaces, for comparison in the fan-out benchmark: progress kept in a
 * dictionary, and each open stream checking it every 500 ms and writing when it changed.
 */
import { createServer } from 'node:http'

const progress = new Map<string, { percent: number, at: string, done: boolean }>()

const server = createServer((request, response) => {
  const [, kind, id = ''] = (request.url ?? '').split('/')
  if (kind === 'start') {
    const ticks = 20
    let tick = 0
    const timer = setInterval(() => {
      tick++
      progress.set(id, { percent: Math.round((tick / (ticks + 1)) * 100), at: new Date().toISOString(), done: tick === ticks })
      if (tick === ticks) clearInterval(timer)
    }, 250)
    response.end('started')
    return
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  response.write('event: connected\ndata: {}\n\n')
  let lastSent = ''
  const poll = setInterval(() => {
    const state = progress.get(id)
    if (!state || state.at === lastSent) return
    lastSent = state.at
    response.write(`event: ${state.done ? 'complete' : 'progress'}\ndata: ${JSON.stringify(state)}\n\n`)
    if (state.done) { clearInterval(poll); response.end() }
  }, 500)
  response.on('close', () => clearInterval(poll))
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') console.log(`LISTENING http://127.0.0.1:${address.port}`)
})
