export type HarnessErrorCode =
  | 'INVALID_OPTION'
  | 'RUNTIME_NOT_INSTALLED'
  | 'NODE_NOT_AVAILABLE'
  | 'START_FAILED'
  | 'RUNTIME_EXITED'
  | 'STOPPED'
  | 'WAIT_TIMEOUT'

export class HarnessError extends Error {
  readonly code: HarnessErrorCode

  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'HarnessError'
    this.code = code
  }
}
