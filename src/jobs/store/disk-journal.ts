/**
 * Durability for the embedded store: each job is a folder under `<DATA_DIR>/jobs/<id>/` with
 *   log.ndjson     one line per record: the job as created, then every event, then retention
 *                  updates — the snapshot is rebuilt by replaying it through `applyEvent`
 *   result.json    the result document (atomic write: temp file + rename)
 *   tombstone.json left behind when the data is evicted, so the id answers 410, not 404
 * A running job keeps its log open, and lines that arrive while a write is in flight go out
 * together in the next one: a busy job costs one write per batch, not an open/write/close per
 * event. The log closes when the job finishes.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { applyEvent, type Job, type JobEvent } from '../model.ts'

export interface StoredJob { job: Job, expiresAt: number | null, events: JobEvent[], hasResult: boolean }
export interface StoredTombstone { id: string, expiresAt: number }

type LogRecord =
  | { record: 'created', job: Job }
  | { record: 'event', event: JobEvent }
  | { record: 'retention', expiresAt: number }

const UUID_DIR = /^[0-9a-f-]{36}$/
const LOG = 'log.ndjson'

interface OpenLog { handle: Promise<FileHandle>, pending: string[], flushing: Promise<void> | null }

export function createDiskJournal (root: string) {
  const dirOf = (id: string) => join(root, id)
  const logs = new Map<string, OpenLog>()
  /** Folder-level operations (tombstones, removal) wait for the log's last write. */
  const lastWrite = new Map<string, Promise<void>>()
  /** Everything in flight, so `flush` can wait for it. */
  const inFlight = new Set<Promise<unknown>>()
  function track<T> (operation: Promise<T>): Promise<T> {
    inFlight.add(operation)
    void operation.catch(() => {}).finally(() => inFlight.delete(operation))
    return operation
  }

  function openLog (id: string, flags: 'wx' | 'a'): OpenLog {
    const log: OpenLog = { handle: open(join(dirOf(id), LOG), flags), pending: [], flushing: null }
    logs.set(id, log)
    return log
  }

  /** Queues a line; resolves once it (and every line before it) is written. */
  function write (id: string, record: LogRecord, log: OpenLog = logs.get(id) ?? openLog(id, 'a')): Promise<void> {
    log.pending.push(JSON.stringify(record) + '\n')
    log.flushing ??= (async () => {
      const handle = await log.handle
      while (log.pending.length > 0) await handle.write(log.pending.splice(0).join(''))
      log.flushing = null
    })()
    const written = log.flushing
    lastWrite.set(id, written.catch(() => {}))
    return written
  }

  async function closeLog (id: string) {
    const log = logs.get(id)
    if (!log) return
    logs.delete(id)
    await log.flushing?.catch(() => {})
    await (await log.handle).close()
  }

  async function writeAtomic (path: string, text: string) {
    const temp = `${path}.${process.pid}.tmp`
    await writeFile(temp, text)
    await rename(temp, path)
  }

  return {
    async open () { await mkdir(root, { recursive: true }) },

    /** Starts a job's log with the job as created and its first event. */
    async create (job: Job, firstEvent: JobEvent): Promise<void> {
      await mkdir(dirOf(job.id), { recursive: true })
      const log = openLog(job.id, 'wx')
      void write(job.id, { record: 'created', job }, log)
      await write(job.id, { record: 'event', event: firstEvent }, log)
    },

    appendEvent (id: string, event: JobEvent): Promise<void> {
      return write(id, { record: 'event', event })
    },

    /** A finished job writes nothing more but retention updates: its log need not stay open. */
    finish: closeLog,

    recordRetention (id: string, expiresAt: number): Promise<void> {
      return track((async () => {
        await write(id, { record: 'retention', expiresAt })
        if (logs.get(id)?.pending.length === 0) await closeLog(id)
      })())
    },

    writeResult (id: string, result: unknown): Promise<void> {
      return track(writeAtomic(join(dirOf(id), 'result.json'), JSON.stringify(result)))
    },

    async readResult (id: string): Promise<unknown> {
      try {
        return JSON.parse(await readFile(join(dirOf(id), 'result.json'), 'utf8'))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
    },

    /** Replaces the job's data by a tombstone. */
    writeTombstone (id: string, expiresAt: number): Promise<void> {
      return track((async () => {
        await closeLog(id)
        await lastWrite.get(id)
        lastWrite.delete(id)
        await rm(dirOf(id), { recursive: true, force: true })
        await mkdir(dirOf(id), { recursive: true })
        await writeAtomic(join(dirOf(id), 'tombstone.json'), JSON.stringify({ expiresAt }))
      })())
    },

    removeAll (id: string): Promise<void> {
      return track((async () => {
        await closeLog(id)
        await rm(dirOf(id), { recursive: true, force: true })
      })())
    },

    /** Reads every job folder back; unreadable or half-written ones are skipped, not fatal. */
    async loadAll (): Promise<{ jobs: StoredJob[], tombstones: StoredTombstone[], skipped: string[] }> {
      const jobs: StoredJob[] = []
      const tombstones: StoredTombstone[] = []
      const skipped: string[] = []
      for (const id of await readdir(root)) {
        if (!UUID_DIR.test(id)) continue
        try {
          const files = new Set(await readdir(dirOf(id)))
          if (files.has('tombstone.json')) {
            const { expiresAt } = JSON.parse(await readFile(join(dirOf(id), 'tombstone.json'), 'utf8')) as { expiresAt: number }
            tombstones.push({ id, expiresAt })
          } else {
            const stored = replay(await readFile(join(dirOf(id), LOG), 'utf8'))
            if (stored) jobs.push({ ...stored, hasResult: files.has('result.json') })
            else skipped.push(id)
          }
        } catch {
          skipped.push(id)
        }
      }
      return { jobs, tombstones, skipped }
    },

    /** Resolves once every queued write has reached the disk, and closes the open logs. */
    async flush () {
      await Promise.all([...inFlight])
      await Promise.all([...logs.keys()].map(closeLog))
    }
  }
}

export type DiskJournal = ReturnType<typeof createDiskJournal>

/** Rebuilds a job from its log. A crash can cut the last line short; everything before it is good. */
function replay (text: string): Omit<StoredJob, 'hasResult'> | undefined {
  let job: Job | undefined
  let expiresAt: number | null = null
  const events: JobEvent[] = []
  for (const line of text.split('\n')) {
    if (!line) continue
    let record: LogRecord
    try {
      record = JSON.parse(line) as LogRecord
    } catch {
      break
    }
    if (record.record === 'created') job = record.job
    else if (record.record === 'retention') expiresAt = Math.max(expiresAt ?? 0, record.expiresAt)
    else if (job) {
      events.push(record.event)
      job = applyEvent(job, record.event)
    }
  }
  if (!job) return undefined
  return { job, events, expiresAt }
}
