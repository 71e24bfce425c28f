import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { StageContext } from '../../../jobs/pipeline.ts'
import { createIntakeState, type IntakeState } from '../state.ts'
import { checkForm, MAX_FIELD_CHARACTERS } from './check-form.ts'

const contextWith = (fields: Record<string, string>): StageContext<IntakeState> => ({
  upload: undefined,
  jobId: 'job-1',
  files: [],
  fields,
  scratchDir: '',
  artifactDir: '',
  signal: new AbortController().signal,
  log: pino({ level: 'silent' }),
  state: createIntakeState(),
  progress: () => {},
  setResult: () => {}
})

describe('checkForm', () => {
  it('keeps line breaks and tabs, drops other control characters, trims and normalises', async () => {
    const ctx = contextWith({ ' note ': '  line one\n\tline two\u0000\u0007 ', name: 'Cafe\u0301' })
    await checkForm(ctx)
    expect(ctx.state.fields).toEqual({ note: 'line one\n\tline two', name: 'Café' })
  })

  it('refuses a field longer than a spreadsheet cell, naming it', async () => {
    const ctx = contextWith({ comments: 'x'.repeat(MAX_FIELD_CHARACTERS + 1) })
    await expect(checkForm(ctx)).rejects.toMatchObject({ code: 'field_too_long', message: expect.stringMatching(/"comments" has 50001 characters/) })
  })
})
