/**
 * Opens the embedded store's SQLite database (Node's built-in `node:sqlite`: no native build,
 * nothing downloaded) and lays out its tables. Retention lives in indexed columns, so the
 * background sweep is a few DELETE statements, and events are keyed (job, seq) so a sequence
 * number can never be stored twice.
 *
 * WAL with `synchronous = NORMAL`: a killed process loses no committed transaction, and a commit
 * costs no fsync. Only a checkpoint (copying the log back into the database file) syncs, twice,
 * on the thread that commits: checkpointing every 4,000 pages rather than SQLite's 1,000 makes
 * that a quarter as often, and a page rewritten by many commits is copied back once, not four
 * times (the log file then grows to about 16 MB before it is reused). `locking_mode = EXCLUSIVE` holds the file for this process alone, so a second
 * server pointed at the same DATA_DIR fails at start-up instead of splitting the jobs in two.
 */
import { renameSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import type { Logger } from '../../logger.ts'

/** Raised whenever the tables change shape, so an old file is never read as a new one. */
const SCHEMA_VERSION = 2

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  -- the job's number in this file: its events are keyed by it, not by the 36-character id
  key        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  -- what the job was created with until it ends (its events say whether it runs), then its outcome
  status     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- null while queued or running (pinned); set when the job finishes and moved on by reads
  expires_at INTEGER,
  -- the snapshot as created, then as the job ended; an unfinished job's events bring it up to date
  snapshot   TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;

-- Keyed by (job, seq) alone, with no rowid and no second index: job numbers only grow, so a
-- new event lands at the end of the tree, beside the other running jobs' events, and a commit
-- writes a few pages there instead of one page per job in an index ordered by random ids.
CREATE TABLE IF NOT EXISTS events (
  job  INTEGER NOT NULL REFERENCES jobs (key) ON DELETE CASCADE,
  seq  INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (job, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS results (
  job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  body   TEXT NOT NULL
) STRICT;

-- An evicted job's id answers 410 until the tombstone expires, and is never reused.
CREATE TABLE IF NOT EXISTS tombstones (
  id         TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS tombstones_by_expiry ON tombstones (expires_at);

-- Records that could not be read back, kept for a person to look at rather than deleted.
CREATE TABLE IF NOT EXISTS quarantine (
  job_id   TEXT NOT NULL,
  reason   TEXT NOT NULL,
  at       INTEGER NOT NULL,
  snapshot TEXT
) STRICT;
`

/**
 * Layout 1 to 2: events were keyed by the job's text id (a rowid table with a unique index on
 * (job_id, seq)). Run with foreign keys off, inside the opening transaction; the indexes and the
 * other tables are (re)made by SCHEMA afterwards.
 */
const MIGRATE_FROM_1 = `
CREATE TABLE jobs_v2 (
  key        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  status     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER,
  snapshot   TEXT NOT NULL
) STRICT;
INSERT INTO jobs_v2 (key, id, status, created_at, expires_at, snapshot)
  SELECT rowid, id, status, created_at, expires_at, snapshot FROM jobs ORDER BY rowid;
CREATE TABLE events_v2 (
  job  INTEGER NOT NULL REFERENCES jobs (key) ON DELETE CASCADE,
  seq  INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (job, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO events_v2 (job, seq, body)
  SELECT jobs.rowid, events.seq, events.body FROM events JOIN jobs ON jobs.id = events.job_id ORDER BY jobs.rowid, events.seq;
DROP TABLE events;
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
ALTER TABLE events_v2 RENAME TO events;
`

/** SQLite's primary result codes that the store tells apart (extended codes carry them in the low byte). */
export const SQLITE = { BUSY: 5, READONLY: 8, IOERR: 10, CORRUPT: 11, FULL: 13, CANTOPEN: 14, NOTADB: 26 } as const

export function sqliteCode (error: unknown): number | undefined {
  const code = (error as { errcode?: unknown }).errcode
  return typeof code === 'number' ? code & 0xff : undefined
}

export interface OpenedDatabase {
  db: DatabaseSync
  /** Where a corrupt database file was moved before a new one was started, if that happened. */
  quarantinedFile?: string
}

/**
 * Opens (or creates) the database at `path` (`:memory:` for tests and benchmarks). A file that is
 * not a database, or is damaged past reading, is moved aside — never deleted — and a new one
 * started, so the server comes up and the old file can still be examined.
 */
export function openDatabase (path: string, log: Logger, now: () => number = Date.now): OpenedDatabase {
  try {
    return { db: prepare(path) }
  } catch (error) {
    const code = sqliteCode(error)
    if (path === ':memory:' || (code !== SQLITE.CORRUPT && code !== SQLITE.NOTADB)) throw describeOpenError(error, path)
    const quarantinedFile = `${path}.corrupt-${now()}`
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(path + suffix, quarantinedFile + suffix)
      } catch (renameError) {
        if ((renameError as NodeJS.ErrnoException).code !== 'ENOENT') throw renameError
      }
    }
    log.error({ err: error, file: path, movedTo: quarantinedFile }, 'the job database is damaged; it was moved aside and a new one started')
    return { db: prepare(path), quarantinedFile }
  }
}

function prepare (path: string): DatabaseSync {
  const db = new DatabaseSync(path)
  try {
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
    db.exec('PRAGMA wal_autocheckpoint = 4000')
    if (path !== ':memory:') db.exec('PRAGMA locking_mode = EXCLUSIVE')
    // Off until the layout is in place (node:sqlite opens with them on): a migration drops and
    // renames tables that others refer to.
    db.exec('PRAGMA foreign_keys = OFF')
    // Taking the write lock now makes a second process on the same file fail here, at start-up.
    db.exec('BEGIN IMMEDIATE')
    const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number }
    if (version !== 0 && version !== 1 && version !== SCHEMA_VERSION) {
      throw new Error(`The job database ${path} has layout version ${version}; this stagecast writes version ${SCHEMA_VERSION}. Start the stagecast that made it, or move the file away to start afresh.`)
    }
    if (version === 1) db.exec(MIGRATE_FROM_1)
    db.exec(SCHEMA)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    db.exec('COMMIT')
    db.exec('PRAGMA foreign_keys = ON')
    // Reads every table's root page: a damaged file fails now, not on the first request.
    db.prepare('SELECT (SELECT count(*) FROM jobs WHERE expires_at IS NULL), (SELECT count(*) FROM tombstones)').get()
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function describeOpenError (error: unknown, path: string): Error {
  const code = sqliteCode(error)
  if (code === SQLITE.BUSY) {
    return new Error(`The job database ${path} is in use by another stagecast process. Give each server its own DATA_DIR, or use REDIS_URL to run several.`, { cause: error })
  }
  if (code === SQLITE.CANTOPEN || code === SQLITE.READONLY) {
    return new Error(`The job database ${path} cannot be opened for writing. Check that DATA_DIR is writable by this user.`, { cause: error })
  }
  return error instanceof Error ? error : new Error(String(error))
}
