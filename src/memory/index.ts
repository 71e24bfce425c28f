/**
 * The process's memory plan, worked out once from the limit it runs under (see limit.ts and
 * plan.ts). The queue admits jobs against its pool; the intake pipeline sizes pages from it.
 */
import { findMemoryLimit } from './limit.ts'
import { planMemory, type MemoryPlan } from './plan.ts'

const plans = new Map<number, MemoryPlan>()

/** `settingMb`: MEMORY_LIMIT_MB, used when the process is under no cgroup memory limit. */
export function memoryPlan (settingMb: number): MemoryPlan {
  let plan = plans.get(settingMb)
  if (!plan) {
    plan = planMemory(findMemoryLimit(settingMb))
    plans.set(settingMb, plan)
  }
  return plan
}

export { createMemoryBudget, type MemoryBudget } from './budget.ts'
export type { MemoryPlan } from './plan.ts'
