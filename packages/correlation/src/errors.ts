/** Stable error codes. The README lists them and a test checks the list. */
export const codes = Object.freeze({
  NO_CONTEXT: 'ERR_SIGHTLINE_NO_CONTEXT',
  INVALID_OPTION: 'ERR_SIGHTLINE_INVALID_OPTION',
  CALL_CHAIN_TOO_LONG: 'ERR_SIGHTLINE_CALL_CHAIN_TOO_LONG',
  NOT_A_BATCH: 'ERR_SIGHTLINE_NOT_A_BATCH',
  UNREPORTABLE_RECORD: 'ERR_SIGHTLINE_UNREPORTABLE_RECORD',
} as const)

/** The core's codes, or a package's own (each package lists its codes in its README). */
export type ErrorCode = (typeof codes)[keyof typeof codes] | `ERR_SIGHTLINE_${string}`

/** The one error class of Sightline: a stable `code`, a real `cause`. */
export class SightlineError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SightlineError'
    this.code = code
  }
}

/** Throws a configuration error naming the option, what was expected and what was given. */
export function invalidOption(name: string, expected: string, value: unknown): never {
  throw new SightlineError(
    codes.INVALID_OPTION,
    `Expected \`${name}\` to be ${expected}, got ${describe(value)}`,
  )
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
