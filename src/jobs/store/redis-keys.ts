/**
 * Every Redis key the job store uses, in one place, under the deployment's REDIS_PREFIX:
 *   <p>:job:<id>          hash    the snapshot (`job` JSON) with `seq`, `status`, `activity`,
 *                                 `expiresAt` once finished, `owner` while a worker holds it,
 *                                 `stagesDone` (a worker's checkpoint: stages finished in a run)
 *   <p>:job:<id>:events   stream  the event log; entry id `<seq>-0`, fields `e` (event JSON), `t` (write token)
 *   <p>:job:<id>:result   string  the result document (JSON)
 *   <p>:job:<id>:tomb     string  set when the id is first used; outlives the data by the tombstone TTL
 *   <p>:jobs              zset    every live job by creation time (listing)
 *   <p>:jobs:unfinished   set     queued and running jobs (recovery, stall detection)
 *   <p>:jobs:expiring     zset    finished jobs by expiry time (the eviction sweep)
 *   <p>:wake:<process>    stream  pokes one process's blocking reader when it has a new stream to read
 */
export interface JobKeys {
  job: string
  events: string
  result: string
  tomb: string
}

export function createRedisKeys (prefix: string) {
  return {
    ofJob: (id: string): JobKeys => ({
      job: `${prefix}:job:${id}`,
      events: `${prefix}:job:${id}:events`,
      result: `${prefix}:job:${id}:result`,
      tomb: `${prefix}:job:${id}:tomb`
    }),
    jobs: `${prefix}:jobs`,
    unfinished: `${prefix}:jobs:unfinished`,
    expiring: `${prefix}:jobs:expiring`,
    wake: (processId: string) => `${prefix}:wake:${processId}`,
    /** Everything this store writes (tests clean up with it). */
    pattern: `${prefix}:*`
  }
}

export type RedisKeys = ReturnType<typeof createRedisKeys>
