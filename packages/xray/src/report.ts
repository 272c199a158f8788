import { logger } from '@sightline/logger'

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

// One slot per process, shared by duplicate installs (ESM and CJS), so counters add up and each code is
// reported once.
const key = Symbol.for('sightline.xray.diagnostics.v1')
interface Slot {
  readonly counters: XrayDiagnostics
  readonly reported: Set<string>
}
const g = globalThis as { [key]?: Slot }
const slot: Slot = (g[key] ??= {
  counters: { documentsSent: 0, emitFailures: 0, traceFailures: 0, sdkUnavailable: 0 },
  reported: new Set(),
})
const { counters, reported } = slot
const counterOf: Record<XrayCode, keyof XrayDiagnostics> = {
  ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE: 'sdkUnavailable',
  ERR_SIGHTLINE_XRAY_EMIT_FAILED: 'emitFailures',
  ERR_SIGHTLINE_XRAY_TRACE_FAILED: 'traceFailures',
}
const messages: Record<XrayCode, string> = {
  ERR_SIGHTLINE_XRAY_SDK_UNAVAILABLE:
    'sightline tracing is on but aws-xray-sdk-core could not be loaded; not tracing',
  ERR_SIGHTLINE_XRAY_EMIT_FAILED: 'sightline could not send an X-Ray document to the daemon; it was dropped',
  ERR_SIGHTLINE_XRAY_TRACE_FAILED: 'sightline could not trace a call; it ran untraced',
}

/** Counts a runtime failure and writes one warning line per code and process; never throws. */
export function report(code: XrayCode, detail?: unknown): void {
  counters[counterOf[code]]++
  if (reported.has(code)) return
  reported.add(code)
  try {
    const fields = detail instanceof Error ? { code, err: detail } : { code, detail }
    logger.warn(fields, messages[code])
  } catch {}
}

export function countSent(): void {
  counters.documentsSent++
}

/** A snapshot of the counters since the process started (or since `resetXrayDiagnostics`). */
export function getXrayDiagnostics(): Readonly<XrayDiagnostics> {
  return { ...counters }
}

/** Zeroes the counters and lets each code be reported once more (tests). */
export function resetXrayDiagnostics(): void {
  for (const name of Object.keys(counters) as (keyof XrayDiagnostics)[]) counters[name] = 0
  reported.clear()
}
