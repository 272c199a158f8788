import type { CorrelationContext } from '@sightline/correlation'
import { hostTag } from './hosts.js'
import { httpClientCodes, report } from './report.js'

/**
 * The tracer `@sightline/xray` installs at `globalThis[Symbol.for('sightline.xray.v1')]` when tracing is
 * on. The two packages never import each other: this global is the whole contract.
 */
export interface XrayHook {
  startCall(call: {
    kind: 'http'
    name: string
    http: { method: string; url: string }
    context?: CorrelationContext
  }): TracedCall | undefined
}

export interface TracedCall {
  readonly traceHeader: string
  end(result?: { status?: number; error?: unknown; throttled?: boolean }): void
}

export const XRAY_KEY = Symbol.for('sightline.xray.v1')

/** The installed tracer, looked up per request (it may be installed after this module loads). */
export function xrayHook(): XrayHook | undefined {
  const hook = (globalThis as { [XRAY_KEY]?: Partial<XrayHook> })[XRAY_KEY]
  return hook != null && typeof hook.startCall === 'function' ? (hook as XrayHook) : undefined
}

/** A subsegment for this request, or undefined (no tracer, nothing to trace, or the tracer threw). */
export function startTrace(
  hook: XrayHook,
  url: string,
  method: string,
  context: CorrelationContext | undefined,
): TracedCall | undefined {
  if (context === undefined) return undefined
  try {
    return hook.startCall({ kind: 'http', name: hostTag(url), http: { method, url }, context })
  } catch (error) {
    report(httpClientCodes.XRAY_HOOK_FAILED, error)
    return undefined
  }
}

/** Ends the subsegment with the response's status, or the error when none came. Never throws. */
export function endTrace(call: TracedCall, status: unknown, error: unknown): void {
  try {
    const result: { status?: number; error?: unknown; throttled?: boolean } = {}
    if (typeof status === 'number') result.status = status
    if (error != null) result.error = error
    if (status === 429) result.throttled = true
    call.end(result)
  } catch (e) {
    report(httpClientCodes.XRAY_HOOK_FAILED, e)
  }
}
