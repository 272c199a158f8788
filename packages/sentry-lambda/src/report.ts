import type { Logger } from '@sightline/logger'
import type { SentryErrorCode } from './errors.js'
import { state } from './state.js'

/**
 * Telemetry failures never reach the invocation: each code is written once per process, as a warning line
 * (with the IDs of the invocation it happened in), and counted in `getSentryDiagnostics()`.
 */
export function reportOnce(
  logger: Logger,
  code: SentryErrorCode,
  fields: Record<string, unknown>,
  message: string,
): void {
  if (state.reported.has(code)) return
  state.reported.add(code)
  try {
    logger.warn({ code, ...fields }, message)
  } catch {
    // A broken logger must not turn a lost event into a failed invocation.
  }
}
