import { logger } from '@sightline/logger'
import { metricsCodes } from './errors.js'

const key = Symbol.for('sightline.metrics.warned.v1')
const g = globalThis as { [key]?: Set<string> }
const warned: Set<string> = (g[key] ??= new Set())

/**
 * One warning line per kind and process: a flood of bad metrics must not become a flood of log lines
 * (each one is still counted in `getMetricsDiagnostics()`).
 */
export function warnOnce(
  kind: string,
  message: string,
  fields: Record<string, unknown> = {},
  code: string = metricsCodes.METRICS_DROPPED,
): void {
  if (warned.has(kind)) return
  warned.add(kind)
  warn(message, { code, ...fields })
}

/** Re-arms a kind, so the next failure of that kind is reported again (after a recovery). */
export function rearm(kind: string): void {
  warned.delete(kind)
}

export function warn(message: string, fields: Record<string, unknown>): void {
  try {
    logger.warn(fields, message)
  } catch {
    // A warning about telemetry must never become the user's problem.
  }
}

/** Forgets which warnings were written (tests; `resetMetricsDiagnostics` calls it). */
export function resetWarnings(): void {
  warned.clear()
}
