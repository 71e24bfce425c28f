/** Why a document could not be opened, decided in the worker where the library's error types are known. */
import type { OpenFailureKind } from './protocol.ts'

export class DocumentOpenError extends Error {
  readonly kind: OpenFailureKind
  constructor (kind: OpenFailureKind, message: string) {
    super(message)
    this.name = 'DocumentOpenError'
    this.kind = kind
  }
}
