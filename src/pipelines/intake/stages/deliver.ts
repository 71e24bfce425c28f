/**
 * Stages 6–10: extract fields, save what was extracted, archive the files, append the row,
 * publish the full result. Archive and export talk to Google when configured: the result is
 * saved before them (`ctx.setResult`), so when they fail the job fails in that stage but the
 * extracted data stays with the job (the runner keeps the last result a job set).
 */
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { buildExportRow } from '../export-row.ts'
import { buildResult } from '../result.ts'
import type { IntakeSettings, IntakeState } from '../state.ts'

type Ctx = StageContext<IntakeState>

export function extractDocumentFields (settings: IntakeSettings) {
  return async (ctx: Ctx): Promise<void> => {
    // libphonenumber's full metadata is ~20 MB resident: loaded by the first intake job, not at start-up.
    const { extractFields } = await import('../fields/index.ts')
    for (const [index, document] of ctx.state.documents.entries()) {
      ctx.progress(index / ctx.state.documents.length, `Extracting fields from ${document.name}`, { file: document.name })
      document.extracted = extractFields(document.pages, {
        ...(settings.phoneRegion ? { phoneRegion: settings.phoneRegion } : {}),
        ...(settings.dateOrder ? { dateOrder: settings.dateOrder } : {})
      })
    }
  }
}

export async function saveExtractedData (ctx: Ctx): Promise<void> {
  ctx.setResult(buildResult(ctx.state))
}

export function archiveFiles (settings: IntakeSettings) {
  return async (ctx: Ctx): Promise<void> => {
    const { archive } = settings.adapters
    for (const [index, document] of ctx.state.documents.entries()) {
      ctx.progress(index / ctx.state.documents.length, `Archiving ${document.name}`, { file: document.name, provider: archive.provider })
      try {
        document.archive = await archive.store({ path: document.path, name: document.name, type: document.type, bytes: document.bytes, sha256: document.sha256, jobId: ctx.jobId }, { signal: ctx.signal })
      } catch (error) {
        if (ctx.signal.aborted) throw error
        ctx.log.error({ err: error, provider: archive.provider }, 'archiving failed')
        throw new JobFailure('archive_failed', `Archiving "${document.name}" (${archive.provider}) failed: ${messageOf(error)}. The extracted data has been kept with the job.`, { file: document.name })
      }
    }
  }
}

export function exportRow (settings: IntakeSettings) {
  return async (ctx: Ctx): Promise<void> => {
    const { exporter } = settings.adapters
    ctx.progress(0, `Appending the row (${exporter.provider})`, { provider: exporter.provider })
    try {
      ctx.state.export = await exporter.appendRow(buildExportRow(ctx.state, ctx.jobId, new Date()), { signal: ctx.signal })
    } catch (error) {
      if (ctx.signal.aborted) throw error
      ctx.log.error({ err: error, provider: exporter.provider }, 'export failed')
      // The archive locations are in the saved result too: update it before failing.
      ctx.setResult(buildResult(ctx.state))
      throw new JobFailure('export_failed', `Appending the row (${exporter.provider}) failed: ${messageOf(error)}. The extracted data has been kept with the job.`)
    }
  }
}

export async function publishResult (ctx: Ctx): Promise<void> {
  const result = buildResult(ctx.state)
  ctx.setResult(result)
  ctx.log.info({ documents: result.summary.documents, pages: result.summary.pages, ocrPages: result.summary.ocrPages, skippedPages: result.summary.skippedPages }, 'intake finished')
}

const messageOf = (error: unknown) => error instanceof Error ? error.message : String(error)
