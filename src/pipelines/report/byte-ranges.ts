/**
 * Cuts a file into byte ranges of about equal size for reading on several threads, each cut just
 * after a line feed. A line feed byte never occurs inside a multi-byte UTF-8 character, so every
 * range decodes on its own. Whether a cut fell inside a quoted field is only known once the range
 * before it has been parsed (merge-passes.ts checks that).
 */
import { open } from 'node:fs/promises'
import type { ByteRange } from './csv-stream.ts'

/** Bytes looked at per read while looking for a line feed (lines are far shorter). */
export const PROBE_BYTES = 64 * 1024
const LINE_FEED = 0x0a

export async function planRanges (path: string, bytes: number, count: number): Promise<ByteRange[]> {
  const starts = [0]
  const file = await open(path, 'r')
  try {
    const probe = Buffer.allocUnsafe(PROBE_BYTES)
    for (let i = 1; i < count; i++) {
      const cut = await nextLineStart(file, probe, Math.max(Math.floor((bytes * i) / count), starts.at(-1) as number), bytes)
      if (cut === null) break
      if (cut > (starts.at(-1) as number)) starts.push(cut)
    }
  } finally {
    await file.close()
  }
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? bytes, header: i === 0 }))
}

/**
 * For a file still arriving: the offset just after the first line feed at or after `from` among
 * its first `bytes` (those on disk); null when they have none.
 */
export async function lineStartAfter (path: string, from: number, bytes: number): Promise<number | null> {
  const file = await open(path, 'r')
  try {
    return await nextLineStart(file, Buffer.allocUnsafe(PROBE_BYTES), from, bytes)
  } finally {
    await file.close()
  }
}

/** The offset just after the first line feed at or after `from`; null when the rest has none. */
async function nextLineStart (file: Awaited<ReturnType<typeof open>>, probe: Buffer, from: number, bytes: number): Promise<number | null> {
  for (let position = from; position < bytes;) {
    const { bytesRead } = await file.read(probe, 0, PROBE_BYTES, position)
    if (bytesRead === 0) return null
    const at = probe.subarray(0, bytesRead).indexOf(LINE_FEED)
    if (at >= 0) return position + at + 1 < bytes ? position + at + 1 : null
    position += bytesRead
  }
  return null
}
