/**
 * The Lua scripts that make each store operation one atomic step in Redis. The snapshot itself
 * is computed in TypeScript with the same `applyEvent` reducer as the memory store; `append`
 * is a compare-and-set on `seq`, so a cancel on one process and a runner on another can never
 * interleave half-applied, and nothing is ever appended after a terminal event.
 *
 * Timestamps are milliseconds passed in from the caller and formatted with %d, because Lua
 * prints large numbers in exponent notation.
 */
import { luaScript } from '../../redis/script.ts'

const UNFINISHED = `local function unfinished (status) return status == 'queued' or status == 'running' end
`

/** Sets a finished job's expiry to at least now + TTL (its keys, the tombstone, the sweep index). */
const EXTEND_RETENTION = `local function extend (jobKey, eventsKey, resultKey, tombKey, expiringKey, id, now, ttl, tombTtl)
  local current = redis.call('HGET', jobKey, 'expiresAt')
  if not current then return false end
  local wanted = now + ttl
  if wanted <= tonumber(current) then return current end
  local at = string.format('%d', wanted)
  redis.call('HSET', jobKey, 'expiresAt', at)
  redis.call('PEXPIREAT', jobKey, at)
  redis.call('PEXPIREAT', eventsKey, at)
  redis.call('PEXPIREAT', resultKey, at)
  redis.call('PEXPIREAT', tombKey, string.format('%d', wanted + tombTtl))
  redis.call('ZADD', expiringKey, at, id)
  return at
end
`

/**
 * KEYS job, events, tomb, jobs, unfinished · ARGV snapshot, event, createdAtMs, id, token, status, reservation token.
 * Returns 1 when created (also when this same write was already applied), 0 when the id was ever
 * used or another upload holds its reservation. The tomb key doubles as the reservation
 * (`reserved:<token>`), so claiming, creating and refusing an id are one key's life.
 */
export const createScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'token') == ARGV[5] then return 1 end
  return 0
end
local tomb = redis.call('GET', KEYS[3])
if tomb and tomb ~= ('reserved:' .. ARGV[7]) then return 0 end
redis.call('HSET', KEYS[1], 'job', ARGV[1], 'seq', '1', 'status', ARGV[6], 'activity', ARGV[3], 'token', ARGV[5])
redis.call('XADD', KEYS[2], '1-0', 'e', ARGV[2], 't', ARGV[5])
redis.call('SET', KEYS[3], '1')
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[5], ARGV[4])
return 1
`)

/** KEYS job, tomb · ARGV token, ttlMs → 1 when the id is now reserved for this upload, 0 when it is taken. */
export const reserveScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('SET', KEYS[2], 'reserved:' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

/** KEYS tomb · ARGV token: gives back an id whose upload was refused (only the holder's own reservation). */
export const releaseReservationScript = luaScript(`
if redis.call('GET', KEYS[1]) == ('reserved:' .. ARGV[1]) then redis.call('DEL', KEYS[1]) end
return 1
`)

/** The event a write token already appended after `afterSeq` (a resent write), or false. */
const WRITTEN_BEFORE = `local function written_before (eventsKey, afterSeq, token)
  for _, entry in ipairs(redis.call('XRANGE', eventsKey, (tonumber(afterSeq) + 1) .. '-0', '+')) do
    local fields, event, found = entry[2], false, false
    for i = 1, #fields, 2 do
      if fields[i] == 'e' then event = fields[i + 1] end
      if fields[i] == 't' and fields[i + 1] == token then found = true end
    end
    if found then return event end
  end
  return false
end
`

/**
 * KEYS job, events, result, tomb, unfinished, expiring
 * ARGV expectedSeq, seq, snapshot, status, terminal(0/1), event, token, owner, nowMs, expiresAtMs, tombExpiresAtMs, id, release(0/1),
 *      firstExpectedSeq (the expectedSeq of this token's first attempt)
 * Returns {'ok'}, {'written', event} when this token's write was already applied (a client
 * resent it after a dropped connection), or {'missing'|'finished'|'not_owner'|'conflict'}.
 * With an owner, only that owner may append (a worker that lost its claim is fenced off);
 * without one (the API's cancel and stall detection) anyone may. `release` clears the owner.
 */
export const appendScript = luaScript(UNFINISHED + WRITTEN_BEFORE + `
local current = redis.call('HMGET', KEYS[1], 'seq', 'status', 'owner')
if not current[1] then return {'missing'} end
if current[1] ~= ARGV[14] then
  local earlier = written_before(KEYS[2], ARGV[14], ARGV[7])
  if earlier then return {'written', earlier} end
end
if not unfinished(current[2]) then return {'finished'} end
if ARGV[8] ~= '' and current[3] ~= ARGV[8] then return {'not_owner'} end
if current[1] ~= ARGV[1] then return {'conflict'} end
redis.call('XADD', KEYS[2], ARGV[2] .. '-0', 'e', ARGV[6], 't', ARGV[7])
redis.call('HSET', KEYS[1], 'job', ARGV[3], 'seq', ARGV[2], 'status', ARGV[4], 'activity', ARGV[9])
if ARGV[13] == '1' then redis.call('HDEL', KEYS[1], 'owner') end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[10])
  redis.call('HDEL', KEYS[1], 'owner')
  redis.call('PEXPIREAT', KEYS[1], ARGV[10])
  redis.call('PEXPIREAT', KEYS[2], ARGV[10])
  redis.call('PEXPIREAT', KEYS[3], ARGV[10])
  redis.call('PEXPIREAT', KEYS[4], ARGV[11])
  redis.call('SREM', KEYS[5], ARGV[12])
  redis.call('ZADD', KEYS[6], ARGV[10], ARGV[12])
end
return {'ok'}
`)

/**
 * KEYS job, events, result, tomb, expiring · ARGV nowMs, ttlMs, tombTtlMs, id, extend (1 for a client's read)
 * → {'found', job, expiresAt|''} | {'expired'} | {'missing'}. A tomb key that is only an upload's reservation is 'missing'.
 */
export const readScript = luaScript(EXTEND_RETENTION + `
local job = redis.call('HGET', KEYS[1], 'job')
if not job then
  local tomb = redis.call('GET', KEYS[4])
  if tomb and string.sub(tomb, 1, 9) ~= 'reserved:' then return {'expired'} end
  return {'missing'}
end
local expiresAt
if ARGV[5] == '1' then
  expiresAt = extend(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[4], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
else
  expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
end
return {'found', job, expiresAt or ''}
`)

/** Same KEYS and ARGV as readScript → the result JSON, or nil. Reading a result counts as a read of the job. */
export const readResultScript = luaScript(EXTEND_RETENTION + `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[5] == '1' then extend(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[4], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])) end
return redis.call('GET', KEYS[3])
`)

/** KEYS job, result · ARGV result JSON → 1 when stored (the job exists), else 0. The result shares the job's expiry. */
export const saveResultScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
local expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
if expiresAt then redis.call('PEXPIREAT', KEYS[2], expiresAt) end
return 1
`)

/** KEYS job · ARGV nowMs. Marks an unfinished job as alive (stall detection) without an event. */
export const touchScript = luaScript(UNFINISHED + `
if unfinished(redis.call('HGET', KEYS[1], 'status')) then redis.call('HSET', KEYS[1], 'activity', ARGV[1]) end
return 1
`)

/**
 * KEYS job, result · ARGV owner → {snapshot JSON, stages done ('' when none), 1/0 result saved}
 * when the job is unfinished and now held by `owner`, else nil. The checkpoint is handed to the
 * new owner and cleared: it describes the run that wrote it, and a result saved by a later run
 * (a partial one, before a failure) must never be taken for that run's.
 */
export const claimScript = luaScript(UNFINISHED + `
local current = redis.call('HMGET', KEYS[1], 'job', 'status', 'stagesDone')
if not current[1] or not unfinished(current[2]) then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('HDEL', KEYS[1], 'stagesDone')
return {current[1], current[3] or '', redis.call('EXISTS', KEYS[2])}
`)

/**
 * KEYS job · ARGV owner, stagesDone → 1 when recorded. A checkpoint: how many of the job's stages
 * (from the first) have finished in a run, so a worker that resumes it knows what is done.
 * Only the job's current owner may record one, and only while the job is unfinished.
 */
export const checkpointScript = luaScript(UNFINISHED + `
local current = redis.call('HMGET', KEYS[1], 'status', 'owner')
if not unfinished(current[1]) or current[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'stagesDone', ARGV[2])
return 1
`)

/** KEYS job, events, result, tomb, jobs, unfinished, expiring · ARGV id, tombExpiresAtMs → 1 when removed. */
export const removeScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('SET', KEYS[4], '1')
redis.call('PEXPIREAT', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
return 1
`)

/**
 * KEYS job, jobs, unfinished, expiring · ARGV id → 1 for exactly one caller once the job's keys
 * have expired, so one process (of many) reports the eviction and removes the job's files.
 */
export const claimEvictionScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[4], ARGV[1])
`)
