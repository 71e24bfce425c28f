import { describe, expect, it } from 'vitest'
import { youngGenerationArgs } from './young-generation.ts'

describe('youngGenerationArgs', () => {
  it('bounds the semi-spaces when nothing sets them', () => {
    expect(youngGenerationArgs(['--env-file-if-exists=.env'], undefined)).toEqual(['--max-semi-space-size=2'])
    expect(youngGenerationArgs([], '--max-old-space-size=400')).toEqual(['--max-semi-space-size=2'])
  })

  it('leaves a size given on the command line, in NODE_OPTIONS or by our own restart alone', () => {
    expect(youngGenerationArgs(['--max-semi-space-size=2', '--env-file-if-exists=.env'], undefined)).toEqual([])
    expect(youngGenerationArgs([], '--enable-source-maps --max-semi-space-size=16')).toEqual([])
    expect(youngGenerationArgs(['--max_semi_space_size=8'], '')).toEqual([])
  })
})
