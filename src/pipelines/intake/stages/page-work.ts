/**
 * Heavy page work (rendering, OCR) runs one job at a time per process (`settings.pageWork`).
 * A job waiting its turn keeps reporting, so the stall watchdog does not take the wait for a
 * hung job, and the person watching sees why nothing moves.
 */
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { IntakeSettings, IntakeState } from '../state.ts'

const WAITING_REPORT_MS = 5_000

export async function inPageWorkTurn<T> (settings: IntakeSettings, ctx: StageContext<IntakeState>, task: () => Promise<T>): Promise<T> {
  let started = false
  const report = () => { if (!started) ctx.progress(0, 'Waiting for another submission to finish reading its pages') }
  const timer = setInterval(report, WAITING_REPORT_MS)
  try {
    return await settings.pageWork(async () => {
      started = true
      clearInterval(timer)
      ctx.signal.throwIfAborted()
      return task()
    })
  } finally {
    clearInterval(timer)
  }
}
