/**
 * The one place where the external-service implementations are chosen, from config only:
 * Google credentials switch on Vision OCR (OCR_ENGINE=auto|vision), the Drive archive
 * (DRIVE_FOLDER_ID) and the Sheets export (SHEET_ID); otherwise offline tesseract.js, a folder
 * and a CSV under DATA_DIR. Created once per process; `close()` ends the OCR workers.
 *
 * `overrides` exist for tests: they point the real Google client libraries at a local fake
 * Google API server (Sheets/Drive root URL, the OAuth token URL, the Vision endpoint) and
 * shorten retry delays. Production never passes them.
 */
import pino from 'pino'
import type { Logger } from '../logger.ts'
import type { Config } from '../config.ts'
import { createDriveArchive } from './archive/drive.ts'
import { createLocalArchive } from './archive/local.ts'
import type { FileArchive } from './archive/types.ts'
import { createLocalCsvExporter } from './export/local-csv.ts'
import { createSheetsExporter } from './export/sheets.ts'
import type { SheetExporter } from './export/types.ts'
import { createGoogleAuth, type GoogleAuthHandle } from './google/auth.ts'
import type { RetryPolicy } from './google/retry.ts'
import { createTesseractOcr } from './ocr/tesseract.ts'
import type { Ocr } from './ocr/types.ts'
import { createVisionOcr } from './ocr/vision.ts'

export interface Adapters {
  ocr: Ocr
  archive: FileArchive
  exporter: SheetExporter
  /** Which implementation each port uses, for start-up logs and health output. */
  summary: { ocr: Ocr['engine'], archive: FileArchive['provider'], export: SheetExporter['provider'] }
  /** Ends OCR workers and Google connections; safe to call twice. */
  close: () => Promise<void>
}

export interface AdapterOverrides {
  /** Base URL of a fake Google API server, e.g. `http://127.0.0.1:4010/` (Sheets, Drive, Vision, token). */
  googleRootUrl?: string
  /** OAuth token endpoint; defaults to `<googleRootUrl>token` when `googleRootUrl` is set. */
  googleTokenUrl?: string
  googleRetry?: RetryPolicy
  logger?: Logger
  /** OCR worker recycling (pages per worker) and time limits. */
  tesseract?: { recycleAfterPages?: number, startTimeoutMs?: number, pageTimeoutMs?: number, idleTimeoutMs?: number }
}

export async function createAdapters (config: Config, overrides: AdapterOverrides = {}): Promise<Adapters> {
  const log = overrides.logger ?? pino({ level: config.LOG_LEVEL })
  const useGoogle = config.GOOGLE_APPLICATION_CREDENTIALS !== ''
  if (config.OCR_ENGINE === 'vision' && !useGoogle) {
    throw new Error('OCR_ENGINE=vision needs GOOGLE_APPLICATION_CREDENTIALS (a service-account key file). Set it, or use OCR_ENGINE=auto or tesseract.')
  }
  const rootUrl = overrides.googleRootUrl?.replace(/\/?$/, '/')
  const google: GoogleAuthHandle | null = useGoogle
    ? await createGoogleAuth(config.GOOGLE_APPLICATION_CREDENTIALS, { tokenUrl: overrides.googleTokenUrl ?? (rootUrl ? `${rootUrl}token` : undefined) })
    : null
  const retry = overrides.googleRetry

  const ocr = google && config.OCR_ENGINE !== 'tesseract'
    ? await createVisionOcr({ google, pageTimeoutMs: overrides.tesseract?.pageTimeoutMs ?? 60_000, ...(retry ? { retry } : {}), ...(rootUrl ? { endpoint: endpointOf(rootUrl) } : {}) })
    : createTesseractOcr({
      recycleAfterPages: overrides.tesseract?.recycleAfterPages ?? 25,
      startTimeoutMs: overrides.tesseract?.startTimeoutMs ?? 60_000,
      // Below STALL_TIMEOUT_SECONDS' default (120 s), so a hung page fails rather than stalls the job.
      pageTimeoutMs: overrides.tesseract?.pageTimeoutMs ?? 90_000,
      idleTimeoutMs: overrides.tesseract?.idleTimeoutMs ?? 10_000,
      log
    })

  const archive = google && config.DRIVE_FOLDER_ID
    ? createDriveArchive({ google, folderId: config.DRIVE_FOLDER_ID, ...(rootUrl ? { rootUrl } : {}), ...(retry ? { retry } : {}) })
    : createLocalArchive(config.dataDir)

  const exporter = google && config.SHEET_ID
    ? await createSheetsExporter({ google, spreadsheetId: config.SHEET_ID, range: config.SHEET_RANGE, ...(rootUrl ? { rootUrl } : {}), ...(retry ? { retry } : {}) })
    : createLocalCsvExporter(config.dataDir)

  if (google && !config.DRIVE_FOLDER_ID) log.warn('Google credentials are set but DRIVE_FOLDER_ID is empty: documents are archived under DATA_DIR')
  if (google && !config.SHEET_ID) log.warn('Google credentials are set but SHEET_ID is empty: rows are written to a CSV under DATA_DIR')

  let closing: Promise<void> | null = null
  return {
    ocr,
    archive,
    exporter,
    summary: { ocr: ocr.engine, archive: archive.provider, export: exporter.provider },
    close: () => (closing ??= ocr.close())
  }
}

function endpointOf (rootUrl: string) {
  const url = new URL(rootUrl)
  const protocol = url.protocol === 'http:' ? 'http' as const : 'https' as const
  return { host: url.hostname, port: Number(url.port) || (protocol === 'http' ? 80 : 443), protocol }
}

export type { FileArchive } from './archive/types.ts'
export type { SheetExporter } from './export/types.ts'
export type { Ocr } from './ocr/types.ts'
