import { describe, expect, it } from 'vitest'
import { createUploadAdmission, RETRY_AFTER_SECONDS } from './upload-admission.ts'

const GiB = 2 ** 30

function admission ({ depth = 0, free = 10 * GiB, minFree = GiB } = {}) {
  const state = { depth, free, now: 0, diskReads: 0 }
  const admit = createUploadAdmission({
    queueDepth: async () => state.depth,
    maxQueuedJobs: 5,
    dataDir: '/data',
    minFreeDiskBytes: minFree,
    freeBytes: async () => { state.diskReads++; return state.free },
    now: () => state.now
  })
  return { admit, state }
}

describe('upload admission', () => {
  it('admits while the queue is under its bound and the disk has room', async () => {
    const { admit } = admission({ depth: 4 })
    expect(await admit.check({ declaredBytes: 100 })).toBeUndefined()
  })

  it('refuses at the queue bound, saying how many wait and when to come back', async () => {
    const { admit } = admission({ depth: 5 })
    expect(await admit.check({ declaredBytes: undefined })).toEqual({ reason: '5 jobs are already waiting (MAX_QUEUED_JOBS is 5)', retryAfterSeconds: RETRY_AFTER_SECONDS.queue })
  })

  it('refuses an upload that would eat into the disk reserve, counting its announced size', async () => {
    const { admit } = admission({ free: 2 * GiB, minFree: GiB })
    expect(await admit.check({ declaredBytes: 512 * 2 ** 20 })).toBeUndefined()
    const refusal = await admit.check({ declaredBytes: GiB + 1 })
    expect(refusal).toEqual({ reason: 'the data disk has 2,048 MiB free and keeps 1,024 MiB in reserve (MIN_FREE_DISK_BYTES)', retryAfterSeconds: RETRY_AFTER_SECONDS.disk })
  })

  it('reads free space at most once a second, and not at all with the check off', async () => {
    const { admit, state } = admission()
    await admit.check({ declaredBytes: 1 })
    await admit.check({ declaredBytes: 1 })
    expect(state.diskReads).toBe(1)
    state.now += 1000
    await admit.check({ declaredBytes: 1 })
    expect(state.diskReads).toBe(2)
    const off = admission({ minFree: 0, free: 0 })
    expect(await off.admit.check({ declaredBytes: GiB })).toBeUndefined()
    expect(off.state.diskReads).toBe(0)
  })

  it('runs added checks (the memory budget) after its own, first refusal wins', async () => {
    const { admit, state } = admission()
    const seen: Array<number | undefined> = []
    admit.addCheck(upload => { seen.push(upload.declaredBytes); return { reason: 'the memory budget is spent', retryAfterSeconds: 7 } })
    expect(await admit.check({ declaredBytes: 42 })).toEqual({ reason: 'the memory budget is spent', retryAfterSeconds: 7 })
    expect(seen).toEqual([42])
    state.depth = 9
    expect((await admit.check({ declaredBytes: 42 }))?.retryAfterSeconds).toBe(RETRY_AFTER_SECONDS.queue)
    expect(seen).toEqual([42])
  })
})
