import {
  CHAIN_KEY,
  type CorrelationContext,
  correlationIds,
  DEBUG_KEY,
  formatTraceHeader,
  type Ids,
  isIdKey,
  isSafeValue,
  parseTraceHeader,
  type TraceHeader,
  tryGetContext,
} from '@sightline/correlation'

/** What one message carries downstream: the IDs to forward and the X-Ray trace header, when there is one. */
export interface CapturedIds {
  readonly ids: Ids
  /** `Root;Parent;Sampled;Lineage` of the context's trace header; undefined without a valid Root. */
  readonly traceHeader: string | undefined
}

const NOTHING: CapturedIds = Object.freeze({ ids: Object.freeze({}), traceHeader: undefined })
const DIGITS = /^\d{1,6}$/

// Keyed by the context; `raw` tells whether correlationIds() changed (setCorrelationId) since.
const cache = new WeakMap<CorrelationContext, { raw: Ids; captured: CapturedIds }>()
// What captureIds built is known to be clean; anything else given to withIds is checked again.
const trusted = new WeakSet<CapturedIds>([NOTHING])

/**
 * The IDs of the current context (or `ctx`), as instrumented clients inject them. Cached per context until
 * an ID changes, so it costs a lookup per call.
 */
export function captureIds(ctx: CorrelationContext | undefined = tryGetContext()): CapturedIds {
  if (ctx === undefined) return NOTHING
  const raw = correlationIds(ctx)
  const hit = cache.get(ctx)
  if (hit !== undefined && hit.raw === raw) return hit.captured
  const captured: CapturedIds = Object.freeze({ ids: safeIds(raw), traceHeader: awsTraceHeader(ctx.trace) })
  cache.set(ctx, { raw, captured })
  trusted.add(captured)
  return captured
}

/**
 * The same IDs with another trace header (an X-Ray call's: its subsegment as Parent), in the form the
 * services accept (known keys only). A header without a valid Root leaves the capture as it was.
 */
export function withTraceHeader(captured: CapturedIds, header: string): CapturedIds {
  const traceHeader = awsTraceHeader(parseTraceHeader(header))
  if (traceHeader === undefined || traceHeader === captured.traceHeader) return captured
  return Object.freeze({ ids: captured.ids, traceHeader })
}

/**
 * Only what may be forwarded. A context is normally built from validated input, but `createContext` trusts
 * its caller: a value that would break a header, an attribute or a log line never leaves from here.
 */
function safeIds(ids: Ids): Ids {
  let out: Record<string, string> | undefined
  const keys = Object.keys(ids)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (isForwardable(key, ids[key])) {
      if (out !== undefined) out[key] = ids[key]!
    } else if (out === undefined) {
      out = {}
      for (let j = 0; j < i; j++) out[keys[j]!] = ids[keys[j]!]!
    }
  }
  return out === undefined ? ids : Object.freeze(out)
}

function isForwardable(key: string, value: string | undefined): boolean {
  if (!isSafeValue(value)) return false
  if (key === DEBUG_KEY) return value === 'true' || value === 'false'
  if (key === CHAIN_KEY) return DIGITS.test(value)
  return isIdKey(key)
}

/**
 * The header SQS (`AWSTraceHeader`), EventBridge (`TraceHeader`) and Step Functions (`traceHeader`) accept:
 * the known keys only. `Self` (ALB) and unknown keys are left out, as they may fail the services' checks.
 */
function awsTraceHeader(trace: TraceHeader | undefined): string | undefined {
  if (trace?.root === undefined) return undefined
  const known: { -readonly [K in keyof TraceHeader]: TraceHeader[K] } = { root: trace.root, extra: [] }
  if (trace.parent !== undefined) known.parent = trace.parent
  if (trace.sampled !== undefined) known.sampled = trace.sampled
  if (trace.lineage !== undefined) known.lineage = trace.lineage
  return formatTraceHeader(known)
}

// Shared with duplicate installs: an entry stamped by one copy is read by another.
const STAMP = Symbol.for('sightline.aws-clients.ids.v1')
type Stamped = { [STAMP]?: CapturedIds }

/**
 * Stamps a message, batch entry or command input with the IDs of the context it is built in, so that an
 * instrumented client sends it with those IDs whatever context is active at `send`. Fan-out code building
 * one batch from several records' scopes calls it once per entry. Returns a shallow copy; `entry` is left
 * as it was.
 */
export function withIds<T extends object>(entry: T, captured: CapturedIds = captureIds()): T {
  return { ...entry, [STAMP]: trusted.has(captured) ? captured : clean(captured) }
}

function clean(captured: CapturedIds | undefined): CapturedIds {
  if (captured === null || typeof captured !== 'object') return NOTHING
  try {
    const { ids, traceHeader } = captured
    return Object.freeze({
      ids: ids !== null && typeof ids === 'object' ? safeIds(ids) : NOTHING.ids,
      traceHeader: awsTraceHeader(parseTraceHeader(traceHeader)),
    })
  } catch {
    // A proxy or a throwing getter: the entry goes out without IDs rather than fail the caller.
    return NOTHING
  }
}

/** Whether the input, or an entry in one of its members or lists, was stamped by `withIds`. */
export function hasStamps(input: Record<string, unknown>): boolean {
  if (STAMP in input) return true
  for (const key in input) {
    const value = input[key]
    if (Array.isArray(value)) {
      for (const entry of value)
        if (entry !== null && typeof entry === 'object' && STAMP in entry) return true
    } else if (value !== null && typeof value === 'object' && STAMP in value) return true
  }
  return false
}

/** The IDs an entry was stamped with by `withIds`, if any. */
export function stampOf(entry: unknown): CapturedIds | undefined {
  return entry !== null && typeof entry === 'object' ? (entry as Stamped)[STAMP] : undefined
}

/** True when there is nothing to inject. */
export function isEmpty(captured: CapturedIds): boolean {
  if (captured.traceHeader !== undefined) return false
  for (const _ in captured.ids) return false
  return true
}
