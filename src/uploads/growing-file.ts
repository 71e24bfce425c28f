/**
 * Reads a file that may still be growing: an upload that its job's stages start on before the
 * last byte has arrived. Bytes are read from disk (the durable copy a restart or another worker
 * reads too), so this works the same in the process that receives the upload and in a worker on
 * the shared volume. At the end of what is there it waits POLL_MS and looks again, until the
 * upload's final size is known and reached.
 */
import { open } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/** How long to wait at the end of the bytes so far before reading again. */
const POLL_MS = 5

export interface GrowingFileOptions {
  /**
   * Where the read ends, once known: the file's final size once every byte is stored (or, for a
   * part of the file, the end of that part); undefined while it still grows.
   */
  finalBytes: () => number | undefined
  chunkBytes: number
  signal?: AbortSignal
  /** The first byte to read (default 0). */
  start?: number
  /**
   * For a part whose end is decided while it is read: bytes from this offset on are not read
   * until `finalBytes` is known, since they may belong to the next part's reader.
   */
  holdAt?: number
}

/**
 * Yields the file's bytes in order, as they are written, until its final size is reached. Every
 * chunk is read into the same buffer, so a consumer must be done with a chunk (decoded or copied
 * it) before it asks for the next: a read of hundreds of MB then makes no garbage of its own.
 */
export async function * readGrowingFile (path: string, { finalBytes, chunkBytes, signal, start = 0, holdAt }: GrowingFileOptions): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
  const chunk = Buffer.allocUnsafe(chunkBytes)
  try {
    let position = start
    for (;;) {
      signal?.throwIfAborted()
      const final = finalBytes()
      if (final !== undefined && position >= final) return
      const length = Math.min(chunkBytes, (final ?? holdAt ?? Number.POSITIVE_INFINITY) - position)
      const { bytesRead } = length > 0 ? await handle.read(chunk, 0, length, position) : { bytesRead: 0 }
      if (bytesRead > 0) {
        position += bytesRead
        yield chunk.subarray(0, bytesRead)
        continue
      }
      if (final !== undefined) throw new Error(`The upload ended at ${position} bytes, short of the ${final} it was said to have`)
      // Aborted mid-wait: throw the caller's reason, not the timer's AbortError.
      await sleep(POLL_MS, undefined, signal ? { signal } : {}).catch((error: unknown) => { signal?.throwIfAborted(); throw error })
    }
  } finally {
    await handle.close()
  }
}
