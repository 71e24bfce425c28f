/** Every SQL statement the embedded store runs, prepared once when the database opens. */
import type { DatabaseSync } from 'node:sqlite'

export function createSqliteStatements (db: DatabaseSync) {
  return {
    job: db.prepare('SELECT snapshot, expires_at FROM jobs WHERE id = ?'),
    lastKey: db.prepare('SELECT coalesce(max(key), 0) AS key FROM jobs'),
    unfinished: db.prepare("SELECT key, id, snapshot FROM jobs WHERE status IN ('queued', 'running')"),
    list: db.prepare('SELECT id, snapshot FROM jobs ORDER BY created_at DESC LIMIT ?'),
    listByStatus: db.prepare('SELECT id, snapshot FROM jobs WHERE status = ? ORDER BY created_at DESC LIMIT ?'),
    insertJob: db.prepare('INSERT INTO jobs (key, id, status, created_at, expires_at, snapshot) VALUES (?, ?, ?, ?, NULL, ?)'),
    updateJob: db.prepare('UPDATE jobs SET status = ?, snapshot = ?, expires_at = ? WHERE id = ?'),
    extendRetention: db.prepare('UPDATE jobs SET expires_at = max(expires_at, ?1) WHERE id = ?2 AND expires_at IS NOT NULL'),
    deleteJob: db.prepare('DELETE FROM jobs WHERE id = ?'),

    /** ?1 the job's key. */
    insertEvent: db.prepare('INSERT INTO events (job, seq, body) VALUES (?, ?, ?)'),
    eventsAfter: db.prepare('SELECT body FROM events WHERE job = (SELECT key FROM jobs WHERE id = ?) AND seq > ? ORDER BY seq'),
    eventsAfterByKey: db.prepare('SELECT body FROM events WHERE job = ? AND seq > ? ORDER BY seq'),

    saveResult: db.prepare('INSERT INTO results (job_id, body) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET body = excluded.body'),
    result: db.prepare('SELECT body FROM results WHERE job_id = ?'),

    tombstone: db.prepare('SELECT 1 FROM tombstones WHERE id = ?'),
    insertTombstone: db.prepare('INSERT INTO tombstones (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at'),
    /** ?1 the tombstones' expiry, ?2 now: every finished job whose retention has run out. */
    tombstoneExpired: db.prepare('INSERT INTO tombstones (id, expires_at) SELECT id, ?1 FROM jobs WHERE expires_at <= ?2 ON CONFLICT (id) DO NOTHING'),
    deleteExpired: db.prepare('DELETE FROM jobs WHERE expires_at <= ? RETURNING id'),
    deleteExpiredTombstones: db.prepare('DELETE FROM tombstones WHERE expires_at <= ?'),

    quarantine: db.prepare('INSERT INTO quarantine (job_id, reason, at, snapshot) VALUES (?, ?, ?, ?)'),
    ping: db.prepare('SELECT 1')
  }
}

export type SqliteStatements = ReturnType<typeof createSqliteStatements>
