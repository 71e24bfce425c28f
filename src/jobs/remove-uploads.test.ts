import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { removeUploads } from './remove-uploads.ts'

let root: string
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'stagecast-uploads-')) })
afterEach(async () => { await rm(root, { recursive: true, force: true }) })

const file = (dir: string, name: string) => ({ name, path: join(dir, name), type: 'text/csv', bytes: 1 })

it('removes the listed files and the folder', async () => {
  const dir = join(root, 'job')
  await mkdir(dir)
  await writeFile(join(dir, '1.upload'), 'a')
  await removeUploads(dir, [file(dir, '1.upload')])
  expect(await readdir(root)).toEqual([])
})

it('still removes a folder holding files it was not told about', async () => {
  const dir = join(root, 'job')
  await mkdir(dir)
  await writeFile(join(dir, '1.upload'), 'a')
  await writeFile(join(dir, 'stray'), 'b')
  await removeUploads(dir, [file(dir, '1.upload')])
  expect(await readdir(root)).toEqual([])
})

it('is fine when the folder or a file is already gone', async () => {
  await expect(removeUploads(join(root, 'never-made'), [file(join(root, 'never-made'), '1.upload')])).resolves.toBeUndefined()
})
