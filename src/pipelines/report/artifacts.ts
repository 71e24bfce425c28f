/** What a report leaves to download besides its result document (served by the jobs routes). */
import type { PipelineArtifact } from '../../jobs/pipeline.ts'

export const REPORT_PDF = 'report.pdf'

export const REPORT_ARTIFACTS: readonly PipelineArtifact[] = [
  { name: REPORT_PDF, type: 'application/pdf', link: 'pdf', summary: 'The report as a PDF (report jobs)' }
]
