import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readGrowingFile } from './growing-file.ts'

const dirs: string[] = []
afterEach(async () => { for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true }) })

async function fileWith (content: string) {
  const dir = await mkdtemp(join(tmpdir(), 'growing-'))
  dirs.push(dir)
  const path = join(dir, '1.upload')
  await writeFile(path, content)
  return path
}

async function collect (source: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  // Copied: the reader reuses its buffer for the next chunk.
  for await (const chunk of source) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString()
}

describe('readGrowingFile', () => {
  it('reads bytes written after it started, in order, and ends at the final size', async () => {
    const path = await fileWith('date,revenue\n')
    const upload: { final?: number } = {}
    const reading = collect(readGrowingFile(path, { finalBytes: () => upload.final, chunkBytes: 4 }))
    for (let row = 1; row <= 20; row++) {
      await new Promise(resolve => setTimeout(resolve, 2))
      await appendFile(path, `2024-01-${String(row).padStart(2, '0')},${row}\n`)
    }
    const expected = 'date,revenue\n' + Array.from({ length: 20 }, (_, index) => `2024-01-${String(index + 1).padStart(2, '0')},${index + 1}\n`).join('')
    upload.final = Buffer.byteLength(expected)
    expect(await reading).toBe(expected)
  })

  it('stops at the final size even when more bytes follow (they are not the upload)', async () => {
    const path = await fileWith('abcdefghij')
    expect(await collect(readGrowingFile(path, { finalBytes: () => 6, chunkBytes: 4 }))).toBe('abcdef')
  })

  it('fails when the file is shorter than its final size says', async () => {
    const path = await fileWith('abc')
    await expect(collect(readGrowingFile(path, { finalBytes: () => 10, chunkBytes: 4 }))).rejects.toThrow(/ended at 3 bytes, short of the 10/)
  })

  it('reads a part from its start offset', async () => {
    const path = await fileWith('abcdefghij')
    expect(await collect(readGrowingFile(path, { finalBytes: () => 8, chunkBytes: 4, start: 3 }))).toBe('defgh')
  })

  it('holds at holdAt until its end is known, then reads on to it', async () => {
    const path = await fileWith('abcdefghij')
    const part: { end?: number } = {}
    const seen: string[] = []
    const reading = (async () => {
      for await (const chunk of readGrowingFile(path, { finalBytes: () => part.end, chunkBytes: 4, holdAt: 5 })) seen.push(chunk.toString())
    })()
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(seen.join('')).toBe('abcde')
    part.end = 7
    await reading
    expect(seen.join('')).toBe('abcdefg')
  })

  it('stops waiting when its signal aborts', async () => {
    const path = await fileWith('abc')
    const controller = new AbortController()
    const reading = collect(readGrowingFile(path, { finalBytes: () => undefined, chunkBytes: 4, signal: controller.signal }))
    setTimeout(() => controller.abort(new Error('job cancelled')), 20)
    await expect(reading).rejects.toThrow('job cancelled')
  })
})
