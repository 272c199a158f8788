import { logger } from '@sightline/logger'

/** Codes of what this package reports instead of throwing. The README lists them; a test checks the list. */
export const httpClientCodes = Object.freeze({
  UNSAFE_HEADER: 'ERR_SIGHTLINE_UNSAFE_HEADER',
  INJECTION_FAILED: 'ERR_SIGHTLINE_INJECTION_FAILED',
  HOST_FILTER_FAILED: 'ERR_SIGHTLINE_HOST_FILTER_FAILED',
  METRICS_HOOK_FAILED: 'ERR_SIGHTLINE_METRICS_HOOK_FAILED',
  XRAY_HOOK_FAILED: 'ERR_SIGHTLINE_XRAY_HOOK_FAILED',
} as const)

export type HttpClientCode = (typeof httpClientCodes)[keyof typeof httpClientCodes]

/** Counters of what was dropped or skipped instead of thrown into the caller's request. */
export interface HttpClientDiagnostics {
  /** Entries of a context that were not safe to send as a header (dropped, the rest sent). */
  unsafeHeaders: number
  /** Requests sent without Sightline headers because injecting them failed. */
  injectionFailures: number
  /** Host predicates that threw (the host was treated as not allowed). */
  hostFilterFailures: number
  /** Metric recordings that threw in the metrics hook. */
  metricsFailures: number
  /** Subsegments not started or ended because the X-Ray tracer threw. */
  xrayFailures: number
}

// One slot per process, shared by both entry points ("." and "./superagent" are bundled apart) and by
// duplicate installs, so the counters add up and each code is reported once.
const key = Symbol.for('sightline.http-client.diagnostics.v1')
interface Slot {
  readonly counters: HttpClientDiagnostics
  readonly reported: Set<string>
}
const g = globalThis as { [key]?: Slot }
const slot: Slot = (g[key] ??= {
  counters: {
    unsafeHeaders: 0,
    injectionFailures: 0,
    hostFilterFailures: 0,
    metricsFailures: 0,
    xrayFailures: 0,
  },
  reported: new Set(),
})
const { counters, reported } = slot
const counterOf: Record<HttpClientCode, keyof HttpClientDiagnostics> = {
  ERR_SIGHTLINE_UNSAFE_HEADER: 'unsafeHeaders',
  ERR_SIGHTLINE_INJECTION_FAILED: 'injectionFailures',
  ERR_SIGHTLINE_HOST_FILTER_FAILED: 'hostFilterFailures',
  ERR_SIGHTLINE_METRICS_HOOK_FAILED: 'metricsFailures',
  ERR_SIGHTLINE_XRAY_HOOK_FAILED: 'xrayFailures',
}

const messages: Record<HttpClientCode, string> = {
  ERR_SIGHTLINE_UNSAFE_HEADER: 'sightline dropped a context entry that is not safe to send as an HTTP header',
  ERR_SIGHTLINE_INJECTION_FAILED: 'sightline could not add correlation headers; the request was sent without',
  ERR_SIGHTLINE_HOST_FILTER_FAILED: 'sightline host predicate threw; the host was treated as not allowed',
  ERR_SIGHTLINE_METRICS_HOOK_FAILED: 'sightline metrics hook threw; the HTTP metric was not recorded',
  ERR_SIGHTLINE_XRAY_HOOK_FAILED: 'sightline X-Ray tracer threw; the request was sent untraced',
}

/**
 * Counts a runtime failure and writes one warning line per code and process: a request must never fail
 * because of telemetry, and a broken setup must not flood the logs either.
 */
export function report(code: HttpClientCode, detail?: unknown): void {
  counters[counterOf[code]]++
  if (reported.has(code)) return
  reported.add(code)
  try {
    const fields = detail instanceof Error ? { code, err: detail } : { code, detail }
    logger.warn(fields, messages[code])
  } catch {}
}

/** A snapshot of the counters since the process started (or since `resetHttpClientDiagnostics`). */
export function getHttpClientDiagnostics(): Readonly<HttpClientDiagnostics> {
  return { ...counters }
}

/** Zeroes the counters and lets each code be reported once more (tests). */
export function resetHttpClientDiagnostics(): void {
  for (const key of Object.keys(counters) as (keyof HttpClientDiagnostics)[]) counters[key] = 0
  reported.clear()
}
