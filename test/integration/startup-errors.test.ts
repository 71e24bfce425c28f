/**
 * A bad DATA_DIR stops `node src/server.ts` at once with one line naming the variable and what
 * is wrong — no stack trace, no "Plugin did not start in time" after a 10 s plugin timeout.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url))

function start (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += String(chunk) })
  child.stderr.on('data', chunk => { output += String(chunk) })
  return new Promise(resolve => {
    // Bound: a server that starts anyway would keep running; it is stopped and reported.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', code => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

let root: string
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'stagecast-startup-')) })
afterEach(async () => { await rm(root, { recursive: true, force: true }) })

describe('start-up with an unusable DATA_DIR', () => {
  it('stops at once, naming DATA_DIR, when it points at a file', async () => {
    const file = join(root, 'not-a-folder')
    await writeFile(file, 'x')
    const { code, output } = await start({ DATA_DIR: file })
    expect(code).toBe(1)
    expect(output).toMatch(/invalid configuration: DATA_DIR=.*not-a-folder.* is a file, not a folder/)
    expect(output).not.toMatch(/\n\s+at |ENOTDIR|Plugin did not start/)
  })

  it('stops at once, naming DATA_DIR, when no folder can be made there', async () => {
    const { code, output } = await start({ DATA_DIR: '/proc/stagecast-nope' })
    expect(code).toBe(1)
    expect(output).toMatch(/invalid configuration: DATA_DIR=\/proc\/stagecast-nope .*cannot be used/)
    expect(output).not.toMatch(/\n\s+at |Plugin did not start/)
  })
})
