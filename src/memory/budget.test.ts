import { describe, expect, it } from 'vitest'
import { createMemoryBudget } from './budget.ts'
import { planMemory } from './plan.ts'

const MB = 1024 * 1024

describe('createMemoryBudget', () => {
  it('grants in order, makes later requests wait behind the first in line, and gives back', async () => {
    const budget = createMemoryBudget(100)
    const first = budget.tryAcquire(70)
    expect(first).not.toBeNull()
    expect(budget.tryAcquire(40)).toBeNull()
    const granted: string[] = []
    const big = budget.acquire(60).then(release => { granted.push('big'); return release })
    const small = budget.acquire(10).then(release => { granted.push('small'); return release })
    // 10 would fit now, but the 60 ahead of it is first in line.
    expect(budget.tryAcquire(10)).toBeNull()
    await Promise.resolve()
    expect(granted).toEqual([])
    first!()
    first!()
    const releases = await Promise.all([big, small])
    expect(granted).toEqual(['big', 'small'])
    expect(budget.used).toBe(70)
    releases.forEach(release => release())
    expect(budget.used).toBe(0)
  })

  it('runs a request bigger than the pool alone, and drops a waiter whose signal aborts', async () => {
    const budget = createMemoryBudget(100)
    const huge = budget.tryAcquire(500)
    expect(huge).not.toBeNull()
    const controller = new AbortController()
    const waiting = budget.acquire(10, controller.signal)
    expect(budget.waiting).toBe(1)
    controller.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
    expect(budget.waiting).toBe(0)
    huge!()
    expect(budget.used).toBe(0)
  })
})

describe('planMemory', () => {
  it('at 512 MB leaves headroom, admits two reports but not a report beside a scan, and bounds pages', () => {
    const plan = planMemory({ bytes: 512 * MB, source: 'MEMORY_LIMIT_MB' })
    expect(plan.poolBytes / MB).toBeGreaterThan(200)
    expect(plan.poolBytes / MB).toBeLessThan(260)
    expect(2 * plan.jobBytes.report).toBeLessThanOrEqual(plan.poolBytes)
    expect(plan.jobBytes.report + plan.jobBytes.intake).toBeGreaterThan(plan.poolBytes)
    // A 9000×9000 image is over the budget; a 300 DPI A4 colour scan is within it.
    expect(plan.maxImagePixels).toBeLessThan(9000 * 9000)
    expect(plan.maxImagePixels).toBeGreaterThan(2480 * 3508)
    expect(plan.maxRenderPixels).toBeGreaterThan(1654 * 2339)
  })

  it('grows with the limit', () => {
    const small = planMemory({ bytes: 512 * MB, source: 'cgroup v2', file: '' })
    const large = planMemory({ bytes: 4096 * MB, source: 'cgroup v2', file: '' })
    expect(large.poolBytes).toBeGreaterThan(small.poolBytes * 5)
    expect(large.maxImagePixels).toBeGreaterThan(9000 * 9000)
  })
})
