import {
  CHAIN_KEY,
  type CorrelationContext,
  correlationIds,
  DEBUG_KEY,
  type Ids,
  isIdKey,
  isSafeValue,
  tryGetContext,
} from '@sightline/correlation'
import { type Hosts, hostFilter } from './hosts.js'
import { httpClientCodes, report } from './report.js'

/** Header names and values to add to an outgoing request. Frozen and shared: copy before changing. */
export type CorrelationHeaders = Readonly<Record<string, string>>

/** The trace header, forwarded verbatim (lowercase name: HTTP header names are case-insensitive). */
export const TRACE_HEADER = 'x-amzn-trace-id'

/** What outside a context gives: compare by identity to skip work. */
export const NO_HEADERS: CorrelationHeaders = Object.freeze({})
const NONE = NO_HEADERS
const SAFE_TRACE = /^[\x20-\x7e]{1,2048}$/
const CHAIN = /^\d{1,6}$/
const PRINTABLE_KEY = /^[\x21-\x7e]{1,80}$/

interface Cached {
  readonly ids: Ids
  readonly headers: CorrelationHeaders
}
// Keyed by context; `correlationIds` returns a new object whenever an ID changes, so comparing it is the
// revision check.
const cache = new WeakMap<CorrelationContext, Cached>()

/**
 * The headers that carry `context` (default: the current one) to the next service: every
 * `x-correlation-*` ID, `debug-log-enabled`, `call-chain-length` and `x-amzn-trace-id`; `{}` outside a
 * context. Built once per context and ID change, so calling it per request costs a map lookup. Entries
 * that are not safe as header values are dropped (and counted); this never throws.
 */
export function correlationHeaders(
  context: CorrelationContext | undefined = tryGetContext(),
): CorrelationHeaders {
  if (context === undefined) return NONE
  try {
    const ids = correlationIds(context)
    const hit = cache.get(context)
    if (hit !== undefined && hit.ids === ids) return hit.headers
    const headers = build(ids, context.traceHeader)
    cache.set(context, { ids, headers })
    return headers
  } catch (error) {
    report(httpClientCodes.INJECTION_FAILED, error)
    return NONE
  }
}

function build(ids: Ids, traceHeader: unknown): CorrelationHeaders {
  const out: Record<string, string> = {}
  for (const key of Object.keys(ids)) {
    const value = ids[key]
    if (isSafeEntry(key, value)) out[key] = value
    else report(httpClientCodes.UNSAFE_HEADER, PRINTABLE_KEY.test(key) ? key : '(unprintable key)')
  }
  if (typeof traceHeader === 'string' && SAFE_TRACE.test(traceHeader)) out[TRACE_HEADER] = traceHeader
  else if (traceHeader !== undefined) report(httpClientCodes.UNSAFE_HEADER, TRACE_HEADER)
  return Object.freeze(out)
}

// The context was validated when it was built from an event; this guards hand-built contexts, since an
// unsafe value would make Node throw from the request (or, worse, split a header).
function isSafeEntry(key: string, value: unknown): value is string {
  if (key === DEBUG_KEY) return value === 'true' || value === 'false'
  if (key === CHAIN_KEY) return typeof value === 'string' && CHAIN.test(value)
  return isIdKey(key) && isSafeValue(value)
}

/**
 * `headers` with the trace header a tracer gave for one request (`Parent=<its subsegment>`) in place of the
 * context's. A new object per traced request; untraced requests keep the shared, cached one.
 */
export function withTraceHeader(headers: CorrelationHeaders, traceHeader: string): CorrelationHeaders {
  if (!SAFE_TRACE.test(traceHeader)) {
    report(httpClientCodes.UNSAFE_HEADER, TRACE_HEADER)
    return headers
  }
  return Object.freeze({ ...headers, [TRACE_HEADER]: traceHeader })
}

export interface HeadersForOptions {
  /** Only these hosts get the headers (see `Hosts`); every host when absent. */
  readonly hosts?: Hosts
}

/**
 * `correlationHeaders()` when `url`'s host may receive them, `{}` otherwise: the header provider for
 * fetch, undici or axios when some calls go to third parties. `hosts` is compiled once per array or
 * function, so keep it in a constant.
 */
export function headersFor(url: string | URL, { hosts }: HeadersForOptions = {}): CorrelationHeaders {
  const allows = hostFilter(hosts)
  const headers = correlationHeaders()
  if (headers === NONE || allows === undefined) return headers
  return allows(typeof url === 'string' ? url : String(url)) ? headers : NONE
}
