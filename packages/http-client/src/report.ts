import { reporter } from '@sightline/logger'

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

// Counters and report-once state are shared by both entry points ("." and "./superagent" are bundled
// apart) and by duplicate installs.
const diagnostics = reporter<HttpClientCode, keyof HttpClientDiagnostics>(
  'sightline.http-client.diagnostics.v1',
  {
    ERR_SIGHTLINE_UNSAFE_HEADER: [
      'unsafeHeaders',
      'sightline dropped a context entry that is not safe to send as an HTTP header',
    ],
    ERR_SIGHTLINE_INJECTION_FAILED: [
      'injectionFailures',
      'sightline could not add correlation headers; the request was sent without',
    ],
    ERR_SIGHTLINE_HOST_FILTER_FAILED: [
      'hostFilterFailures',
      'sightline host predicate threw; the host was treated as not allowed',
    ],
    ERR_SIGHTLINE_METRICS_HOOK_FAILED: [
      'metricsFailures',
      'sightline metrics hook threw; the HTTP metric was not recorded',
    ],
    ERR_SIGHTLINE_XRAY_HOOK_FAILED: [
      'xrayFailures',
      'sightline X-Ray tracer threw; the request was sent untraced',
    ],
  },
  ['unsafeHeaders', 'injectionFailures', 'hostFilterFailures', 'metricsFailures', 'xrayFailures'],
)

/**
 * Counts a runtime failure and writes one warning line per code and process: a request must never fail
 * because of telemetry, and a broken setup must not flood the logs either.
 */
export const report: (code: HttpClientCode, detail?: unknown) => void = diagnostics.report

/** A snapshot of the counters since the process started (or since `resetHttpClientDiagnostics`). */
export const getHttpClientDiagnostics: () => Readonly<HttpClientDiagnostics> = diagnostics.snapshot

/** Zeroes the counters and lets each code be reported once more (tests). */
export const resetHttpClientDiagnostics: () => void = diagnostics.reset
