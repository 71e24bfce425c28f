import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { buildTestApp } from '../test/support/build-app.ts'
const server = await buildTestApp({ LOG_LEVEL: 'debug' }, { listen: true })
const boundary = 'XXB'
const prose = 'Dear customer,\n' + 'this letter is not a table at all, just words.\n'.repeat(20000)
const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="l.csv"\r\nContent-Type: text/csv\r\n\r\n${prose}\r\n--${boundary}--\r\n`)
const req = request(`${server.url}/api/jobs`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length, 'x-job-id': randomUUID() } })
const t0 = Date.now()
req.on('response', r => { console.error('RESPONSE', r.statusCode, Date.now() - t0); r.resume() })
req.on('error', e => console.error('ERR', e.message))
req.write(body.subarray(0, 200 * 1024))
setTimeout(() => { console.error('giving up'); req.destroy(); server.close().then(() => process.exit(0)) }, 4000)
