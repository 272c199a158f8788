import type { CallInfo, CallResult } from './hook.js'
import type { SdkDocument } from './sdk.js'

// X-Ray accepts letters, digits, whitespace and _ . : / % & # = + \ - @ in names, up to 200 characters.
const NAME_UNSAFE = /[^\p{L}\p{N}\s_.:/%&#=+\\@-]/gu
const MAX_NAME = 200

/** A name X-Ray accepts: other characters become `_`, cut at 200. */
export function documentName(name: string): string {
  const safe = name.replace(NAME_UNSAFE, '_').slice(0, MAX_NAME)
  return safe === '' ? 'unnamed' : safe
}

/** The URL without query, fragment or credentials: those often carry secrets. */
export function recordedUrl(url: string): string {
  try {
    const u = new URL(url)
    return u.origin === 'null' ? `${u.protocol}${u.pathname}` : `${u.origin}${u.pathname}`
  } catch {
    const end = url.search(/[?#]/)
    return end < 0 ? url : url.slice(0, end)
  }
}

/** The `namespace`, `http` and `aws` blocks of a call's subsegment. */
export function describeCall(doc: SdkDocument, call: CallInfo): void {
  doc.namespace = call.namespace ?? (call.kind === 'aws' ? 'aws' : 'remote')
  const { http, aws } = call
  if (http !== undefined) {
    doc.http = { request: { method: String(http.method).toUpperCase(), url: recordedUrl(String(http.url)) } }
  }
  if (aws !== undefined) {
    const block: Record<string, unknown> = { operation: aws.operation }
    if (aws.region !== undefined) block.region = aws.region
    doc.aws = block
  }
}

/**
 * Flags as X-Ray reads them: `error` for client errors (4xx), `throttle` (+ `error`) for 429 or a throttling
 * error, `fault` for server errors (5xx) and for failures without a response; the error itself as the cause.
 */
export function recordResult(doc: SdkDocument, result: CallResult | undefined): void {
  if (result === undefined || result === null) return
  const { status, error, throttled = false, requestId, retries } = result
  const hasStatus = typeof status === 'number' && Number.isFinite(status)
  const clientError = hasStatus && status >= 400 && status < 500
  const fault = (hasStatus && status >= 500) || (error != null && !throttled && !clientError)
  if (error != null) doc.addError(causeOf(error), hasStatus)
  if (fault) doc.addFaultFlag()
  else delete doc.fault // addError always marks a fault; a 4xx or a throttle is the caller's error
  if (clientError || throttled) doc.addErrorFlag()
  if (throttled || status === 429) doc.addThrottleFlag()
  if (hasStatus) {
    doc.http ??= {}
    doc.http.response = { status }
  }
  if (doc.aws !== undefined) {
    if (typeof requestId === 'string') doc.aws.request_id = requestId
    if (typeof retries === 'number' && Number.isFinite(retries)) doc.aws.retries = retries
  }
}

function causeOf(error: unknown): object | string {
  if (typeof error === 'object' && error !== null) return error
  return String(error)
}
