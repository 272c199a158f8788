import { resetWarnings } from './warn.js'

/**
 * What the metrics package dropped, changed or failed to send instead of throwing. Process-wide and
 * shared across duplicate installs (a layer + the bundle, ESM + CJS), like the core's diagnostics.
 */
export interface MetricsDiagnostics {
  /** Metrics dropped: the value was not a finite number. */
  invalidValues: number
  /** Metrics dropped: the name was not a string, or nothing was left of it once cleaned. */
  invalidNames: number
  /** Names changed: characters outside `[A-Za-z0-9_.]` replaced by `_`, or cut at 200 characters. */
  cleanedNames: number
  /** Tags dropped because their key looks like a per-request identifier (request, user id…). */
  refusedTags: number
  /** Tags dropped: empty once cleaned, not a string/number/boolean, past 30 tags or 100 keys. */
  droppedTags: number
  /** Tag keys or values cut at their maximum length. */
  truncatedTags: number
  /** Tag values folded into `__other__` because their key reached its distinct-values cap. */
  foldedTagValues: number
  /** Values CloudWatch cannot store (beyond ±2^360, or too close to 0), or EMF name clashes: not sent. */
  unsendableValues: number
  /** PutMetricData requests that failed (their datums were written as lines instead). */
  failedSends: number
  /** Lines written in place of datums that could not be sent. */
  fallbackLines: number
}

export type MetricsDiagnosticName = keyof MetricsDiagnostics

const NAMES: readonly MetricsDiagnosticName[] = [
  'invalidValues',
  'invalidNames',
  'cleanedNames',
  'refusedTags',
  'droppedTags',
  'truncatedTags',
  'foldedTagValues',
  'unsendableValues',
  'failedSends',
  'fallbackLines',
]

const zero = (): MetricsDiagnostics =>
  Object.fromEntries(NAMES.map((n) => [n, 0])) as unknown as MetricsDiagnostics

const key = Symbol.for('sightline.metrics.diagnostics.v1')
const g = globalThis as { [key]?: MetricsDiagnostics }
const counters: MetricsDiagnostics = (g[key] ??= zero())

export function bump(name: MetricsDiagnosticName, n = 1): void {
  counters[name] += n
}

/** A snapshot of the counters since the process started (or since `resetMetricsDiagnostics`). */
export function getMetricsDiagnostics(): Readonly<MetricsDiagnostics> {
  return { ...counters }
}

/** Zeroes the counters and forgets which warnings were written (so they are written again). */
export function resetMetricsDiagnostics(): void {
  for (const n of NAMES) counters[n] = 0
  resetWarnings()
}

export const diagnosticNames = NAMES
