/**
 * Part of stage 1 (validation): the form fields sent with the upload become cells in a spreadsheet row, so they are
 * held to what a sheet accepts: at most 50,000 characters a cell (Google Sheets' limit), no
 * control characters, Unicode in one normal form.
 */
import { JobFailure } from '../../../errors.ts'
import type { StageContext } from '../../../jobs/pipeline.ts'
import type { IntakeState } from '../state.ts'

export const MAX_FIELD_CHARACTERS = 50_000
const MAX_FIELDS = 100
/** Control characters, except the tab and line breaks a multi-line field may hold. */
const CONTROL_CHARACTERS = /(?![\t\n\r])\p{Cc}/gu

export async function checkForm (ctx: StageContext<IntakeState>): Promise<void> {
  const entries = Object.entries(ctx.fields)
  if (entries.length > MAX_FIELDS) {
    throw new JobFailure('too_many_fields', `The form has ${entries.length} fields; at most ${MAX_FIELDS} are accepted. Send fewer fields.`)
  }
  const fields: Record<string, string> = {}
  for (const [name, raw] of entries) {
    const value = raw.normalize('NFC').replace(CONTROL_CHARACTERS, '').trim()
    if (value.length > MAX_FIELD_CHARACTERS) {
      throw new JobFailure('field_too_long', `The form field "${name}" has ${value.length} characters; at most ${MAX_FIELD_CHARACTERS} fit in a spreadsheet cell. Shorten it.`, { field: name })
    }
    fields[name.normalize('NFC').trim()] = value
  }
  ctx.state.fields = fields
}
