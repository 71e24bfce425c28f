/**
 * Picks the pipeline for an upload: the one the client named, or the one that accepts the
 * sniffed type of the first file. Every file must be of a type the pipeline accepts.
 */
import { AppError, badRequest, unsupportedFileType } from '../errors.ts'
import type { AnyPipeline, JobInputFile } from './pipeline.ts'

export function choosePipeline (pipelines: ReadonlyMap<string, AnyPipeline>, requested: string | undefined, files: readonly JobInputFile[]): AnyPipeline {
  const first = files[0]
  if (!first) throw badRequest('no_file', 'The upload has no file.')
  let pipeline: AnyPipeline | undefined
  if (requested !== undefined) {
    pipeline = pipelines.get(requested)
    if (!pipeline) throw badRequest('unknown_pipeline', `There is no "${requested.slice(0, 40)}" pipeline. Choose one of: ${[...pipelines.keys()].join(', ')}.`)
  } else {
    pipeline = [...pipelines.values()].find(candidate => candidate.accepts.includes(first.type))
    if (!pipeline) throw unsupportedFileType(first.type)
  }
  const rejected = files.find(file => !pipeline.accepts.includes(file.type))
  if (rejected) {
    throw new AppError('unsupported_file_type', 415, `The ${pipeline.name} pipeline cannot read "${rejected.name}" (detected type: ${rejected.type}); it accepts ${pipeline.accepts.join(', ')}.`)
  }
  if (files.length > 1 && !pipeline.multipleFiles) {
    throw badRequest('too_many_files', `The ${pipeline.name} pipeline takes one file per job; send each file as its own upload.`)
  }
  return pipeline
}
