import { reporter } from '@sightline/logger'

/** Codes of what this package reports instead of throwing. The README lists them; a test checks the list. */
export const xrayCodes = Object.freeze({
  SDK_UNAVAILABLE: 'ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE',
  EMIT_FAILED: 'ERR_SIGHTLINE_XRAY_EMIT_FAILED',
  TRACE_FAILED: 'ERR_SIGHTLINE_XRAY_TRACE_FAILED',
} as const)

export type XrayCode = (typeof xrayCodes)[keyof typeof xrayCodes]

/** What was sent, and what failed instead of being thrown into a call or a handler. */
export interface XrayDiagnostics {
  /** Segment and subsegment documents handed to the daemon's UDP socket. */
  documentsSent: number
  /** Datagrams that could not be sent (socket error, document too large). */
  emitFailures: number
  /** Calls or functions left untraced because building their document failed. */
  traceFailures: number
  /** Times tracing was asked for but `aws-xray-sdk-core` could not be loaded. */
  sdkUnavailable: number
}

// Shared by duplicate installs (ESM and CJS), so counters add up and each code is reported once.
const diagnostics = reporter<XrayCode, keyof XrayDiagnostics>(
  'sightline.xray.diagnostics.v1',
  {
    ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE: [
      'sdkUnavailable',
      'sightline tracing is on but aws-xray-sdk-core could not be loaded; not tracing',
    ],
    ERR_SIGHTLINE_XRAY_EMIT_FAILED: [
      'emitFailures',
      'sightline could not send an X-Ray document to the daemon; it was dropped',
    ],
    ERR_SIGHTLINE_XRAY_TRACE_FAILED: ['traceFailures', 'sightline could not trace a call; it ran untraced'],
  },
  ['documentsSent', 'emitFailures', 'traceFailures', 'sdkUnavailable'],
)

/** Counts a runtime failure and writes one warning line per code and process; never throws. */
export const report: (code: XrayCode, detail?: unknown) => void = diagnostics.report

export function countSent(): void {
  diagnostics.count('documentsSent')
}

/** A snapshot of the counters since the process started (or since `resetXrayDiagnostics`). */
export const getXrayDiagnostics: () => Readonly<XrayDiagnostics> = diagnostics.snapshot

/** Zeroes the counters and lets each code be reported once more (tests). */
export const resetXrayDiagnostics: () => void = diagnostics.reset
