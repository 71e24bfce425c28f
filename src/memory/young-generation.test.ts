import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { BOUND_BY_RESTART, youngGenerationArgs } from './young-generation.ts'

describe('youngGenerationArgs', () => {
  it('bounds the semi-spaces when nothing sets them', () => {
    expect(youngGenerationArgs(['--env-file-if-exists=.env'], undefined)).toEqual(['--max-semi-space-size=2'])
    expect(youngGenerationArgs([], '--max-old-space-size=400')).toEqual(['--max-semi-space-size=2'])
  })

  it('leaves a size given on the command line, in NODE_OPTIONS or by our own restart alone', () => {
    expect(youngGenerationArgs(['--max-semi-space-size=2', '--env-file-if-exists=.env'], undefined)).toEqual([])
    expect(youngGenerationArgs([], '--enable-source-maps --max-semi-space-size=16')).toEqual([])
    expect(youngGenerationArgs(['--max_semi_space_size=8'], '')).toEqual([])
  })
})

/**
 * A child process started as our restart starts the server: the bound on the command line and
 * our mark in its environment. It starts a worker thread that asks for 48 MB of young generation,
 * fills it with short-lived objects and reports how large its new space grew (two semi-spaces).
 */
async function workerNewSpaceMb (release: boolean): Promise<number> {
  const script = `
    import { Worker } from 'node:worker_threads'
    import { releaseWorkerYoungGeneration } from ${JSON.stringify(new URL('./young-generation.ts', import.meta.url).href)}
    if (${release}) releaseWorkerYoungGeneration(process.env)
    // Evaluated as a module too (--input-type is inherited).
    const fill = "import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads'; let kept; for (let i = 0; i < 3e6; i++) kept = { i, s: 'x' + i };" +
      "parentPort.postMessage(v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space').space_size)"
    new Worker(fill, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } }).once('message', bytes => console.log(bytes))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-semi-space-size=2', '--input-type=module', '-e', script], { env: { ...process.env, [BOUND_BY_RESTART]: '1' } })
  return Number(stdout.trim()) / 2 ** 20
}

describe('releaseWorkerYoungGeneration', () => {
  it('lets worker threads have the young generation they ask for, once the main thread has its bound', async () => {
    expect(await workerNewSpaceMb(false)).toBeLessThanOrEqual(4)
    expect(await workerNewSpaceMb(true)).toBeGreaterThanOrEqual(8)
  }, 30_000)
})
