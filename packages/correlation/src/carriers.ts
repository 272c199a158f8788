import { count } from './diagnostics.js'
import { IdCollector, type Ids, PACKED_KEY, PRIMARY_ID } from './ids.js'
import { isSafeTraceHeader } from './trace.js'

/**
 * How IDs are read from and written to one transport. Adding a transport means adding one such object.
 * `get` matches keys case-insensitively where the transport is case-insensitive (HTTP).
 */
export interface Carrier<C> {
  get(carrier: C, key: string): string | undefined
  set(carrier: C, key: string, value: string): void
  keys(carrier: C): Iterable<string>
}

/** What `extract` found: the IDs plus the decoded debug decision and call-chain length, when present. */
export interface Extracted {
  readonly ids: Readonly<Record<string, string>>
  readonly debug: boolean | undefined
  readonly callChainLength: number | undefined
}

/** Reads every Sightline key from a carrier. Never throws; unsafe values are dropped and counted. */
export function extract<C>(carrier: C, via: Carrier<C>): Extracted {
  const collector = new IdCollector()
  if (carrier !== null && typeof carrier === 'object') {
    try {
      for (const key of via.keys(carrier)) collector.offer(key, via.get(carrier, key))
    } catch {
      count('droppedIds')
    }
  }
  return collector
}

/**
 * Writes `ids` (usually `correlationIds()`) into a carrier. With `maxEntries` (SNS/SQS allow 10 attributes
 * in all), IDs that do not fit are packed as JSON into one `sightline-ids` entry next to `x-correlation-id`.
 * Returns the number of entries written; 0 when nothing fits.
 */
export function inject<C>(
  ids: Ids,
  carrier: C,
  via: Carrier<C>,
  maxEntries = Number.POSITIVE_INFINITY,
): number {
  const keys = Object.keys(ids)
  if (keys.length === 0 || maxEntries < 1) return 0
  if (keys.length <= maxEntries) {
    for (const key of keys) via.set(carrier, key, ids[key]!)
    return keys.length
  }
  const primary = ids[PRIMARY_ID]
  if (maxEntries >= 2 && primary !== undefined) {
    const { [PRIMARY_ID]: _, ...rest } = ids
    via.set(carrier, PRIMARY_ID, primary)
    via.set(carrier, PACKED_KEY, JSON.stringify(rest))
    return 2
  }
  via.set(carrier, PACKED_KEY, JSON.stringify(ids))
  return 1
}

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object'
const stringOf = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined)
/** JSON carriers may hold `call-chain-length: 2` or `debug-log-enabled: true` (dazn writes numbers). */
const scalar = (x: unknown): string | undefined =>
  typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined

type HeaderValue = string | number | readonly string[] | undefined
/** Node's `IncomingHttpHeaders`, API Gateway/ALB `headers`, a fetch-style plain object. */
export type HeaderMap = Record<string, HeaderValue>

function firstString(value: HeaderValue | unknown): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined
  return undefined
}

function getIgnoringCase<V>(map: Record<string, V>, key: string): V | undefined {
  if (Object.hasOwn(map, key)) return map[key]
  const lower = key.toLowerCase()
  for (const k in map) if (k.toLowerCase() === lower && Object.hasOwn(map, k)) return map[k]
  return undefined
}

/** HTTP headers as a plain object, any key case; arrays (multi-value headers) give their first value. */
export const httpHeaders: Carrier<HeaderMap> = {
  get: (headers, key) => firstString(getIgnoringCase(headers, key)),
  set: (headers, key, value) => {
    headers[key] = value
  },
  keys: (headers) => Object.keys(headers),
}

/** SNS `Publish` and SQS `SendMessage` attributes: `{ DataType: 'String', StringValue }`. */
export type PublishAttributes = Record<
  string,
  { DataType: string; StringValue?: string | undefined; [k: string]: unknown }
>

export const publishAttributes: Carrier<PublishAttributes> = {
  get: (attrs, key) => {
    const a = attrs[key]
    return isRecord(a) && a.DataType === 'String' ? stringOf(a.StringValue) : undefined
  },
  set: (attrs, key, value) => {
    attrs[key] = { DataType: 'String', StringValue: value }
  },
  keys: (attrs) => Object.keys(attrs),
}
export const snsPublishAttributes = publishAttributes
export const sqsSendAttributes = publishAttributes

/** SNS attributes as the Lambda SNS event (and the SNS envelope in an SQS body) carry them: `{ Type, Value }`. */
export type SnsEventAttributes = Record<string, { Type: string; Value: string }>

export const snsEventAttributes: Carrier<SnsEventAttributes> = {
  get: (attrs, key) => {
    const a = attrs[key]
    return isRecord(a) && a.Type === 'String' ? stringOf(a.Value) : undefined
  },
  set: (attrs, key, value) => {
    attrs[key] = { Type: 'String', Value: value }
  },
  keys: (attrs) => Object.keys(attrs),
}

/** SQS attributes as the Lambda SQS event carries them: `{ dataType, stringValue }`. */
export type SqsEventAttributes = Record<string, { dataType: string; stringValue?: string | undefined }>

export const sqsEventAttributes: Carrier<SqsEventAttributes> = {
  get: (attrs, key) => {
    const a = attrs[key]
    return isRecord(a) && a.dataType === 'String' ? stringOf(a.stringValue) : undefined
  },
  set: (attrs, key, value) => {
    attrs[key] = { dataType: 'String', stringValue: value }
  },
  keys: (attrs) => Object.keys(attrs),
}

/** The key of the envelope inside JSON payloads (Kinesis, EventBridge `Detail`, Firehose, Step Functions). */
export const ENVELOPE_KEY = '__context__'
/** The envelope's key for the X-Ray trace header, lowercase like the IDs'. */
export const ENVELOPE_TRACE_KEY = 'x-amzn-trace-id'

/** A parsed JSON object carrying the IDs under `__context__` (the format dazn-lambda-powertools uses). */
export const jsonEnvelope: Carrier<Record<string, unknown>> = {
  get: (obj, key) => {
    const env = obj[ENVELOPE_KEY]
    if (env === null || typeof env !== 'object') return undefined
    return scalar((env as Record<string, unknown>)[key])
  },
  set: (obj, key, value) => {
    let env = obj[ENVELOPE_KEY]
    if (env === null || typeof env !== 'object' || Array.isArray(env)) {
      env = {}
      obj[ENVELOPE_KEY] = env
    }
    ;(env as Record<string, unknown>)[key] = value
  },
  keys: (obj) => {
    const env = obj[ENVELOPE_KEY]
    return env !== null && typeof env === 'object' ? Object.keys(env) : []
  },
}

/** Lambda `Invoke` client context (`{ custom: {...} }` before base64), read on the other side as `context.clientContext.Custom`. */
export type ClientContext = {
  custom?: Record<string, unknown>
  Custom?: Record<string, unknown>
  [k: string]: unknown
}

function customOf(cc: ClientContext): Record<string, unknown> | undefined {
  const c = cc.custom ?? cc.Custom
  return c !== null && typeof c === 'object' ? c : undefined
}

export const lambdaClientContext: Carrier<ClientContext> = {
  get: (cc, key) => scalar(customOf(cc)?.[key]),
  set: (cc, key, value) => {
    const custom = customOf(cc) ?? (cc.custom = {})
    custom[key] = value
  },
  keys: (cc) => Object.keys(customOf(cc) ?? {}),
}

const ENVELOPE_PREFIX = `{"${ENVELOPE_KEY}":`

/**
 * Adds the IDs to a JSON object payload without re-serialising it: the envelope is spliced in as the
 * first member, so `unwrapJson` can give back the exact original bytes. Anything that is not a JSON
 * object (text, binary, arrays, invalid JSON) comes back unchanged, as does a payload that already has one.
 * With `traceHeader`, the envelope also carries it (as `x-amzn-trace-id`), for transports without a field
 * of their own for it (Kinesis, Firehose); `unwrapJson` gives it back.
 */
export function wrapJson(text: string, ids: Ids, traceHeader?: string): string {
  const envelope =
    traceHeader === undefined || traceHeader === '' ? ids : { ...ids, [ENVELOPE_TRACE_KEY]: traceHeader }
  if (Object.keys(envelope).length === 0) return text
  let i = 0
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++
  if (text.charCodeAt(i) !== 123 /* { */ || text.startsWith(ENVELOPE_PREFIX, i)) return text
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return text
  if (Object.hasOwn(parsed, ENVELOPE_KEY)) return text
  const rest = text.slice(i + 1)
  const empty = Object.keys(parsed).length === 0
  return `${text.slice(0, i)}${ENVELOPE_PREFIX}${JSON.stringify(envelope)}${empty ? '' : ','}${rest}`
}

/**
 * Reads and strips the envelope. Sightline's own (spliced-in first) gives back the producer's exact bytes;
 * a dazn-style `__context__` elsewhere in the object is removed by re-serialising. Never throws: a payload
 * that is not JSON, or has no envelope, comes back as it was with empty IDs.
 */
export function unwrapJson(text: string): Unwrapped {
  const collector = new IdCollector()
  if (!text.includes(`"${ENVELOPE_KEY}"`)) return { ids: collector, payload: text }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Mentions an envelope but is not JSON: hand it on as it came, and say so in the diagnostics.
    count('unreadableEnvelopes')
    return { ids: collector, payload: text }
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.hasOwn(parsed, ENVELOPE_KEY)
  ) {
    return { ids: collector, payload: text }
  }
  const obj = parsed as Record<string, unknown>
  const envelope = obj[ENVELOPE_KEY]
  let traceHeader: string | undefined
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope))
    count('unreadableEnvelopes')
  else {
    collector.offerAll(envelope)
    traceHeader = traceHeaderIn(envelope as Record<string, unknown>)
  }
  const found = (payload: string): Unwrapped =>
    traceHeader === undefined ? { ids: collector, payload } : { ids: collector, payload, traceHeader }
  let i = 0
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++
  if (text.startsWith(ENVELOPE_PREFIX, i)) {
    const start = i + ENVELOPE_PREFIX.length
    const spliced = JSON.stringify(envelope)
    // Our splice wrote `{"__context__":<json>,` (or `}` for an empty object): undo exactly that.
    if (text.startsWith(spliced, start)) {
      const tail = text.slice(start + spliced.length)
      if (tail.startsWith(',')) return found(`${text.slice(0, i)}{${tail.slice(1)}`)
      if (/^\s*\}/.test(tail)) return found(`${text.slice(0, i)}{${tail}`)
    }
  }
  const { [ENVELOPE_KEY]: _, ...rest } = obj
  return found(JSON.stringify(rest))
}

/** What `unwrapJson` found: the IDs, the producer's payload and, when the envelope had one, its trace header. */
export interface Unwrapped {
  readonly ids: Extracted
  readonly payload: string
  /**
   * The producer's X-Ray trace header (`x-amzn-trace-id` in the envelope: Kinesis and Firehose have no
   * field of their own for it). Only printable ASCII of at most 2,048 characters is kept; anything else is
   * dropped and counted.
   */
  readonly traceHeader?: string
}

function traceHeaderIn(envelope: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(envelope, ENVELOPE_TRACE_KEY)) return undefined
  const value = envelope[ENVELOPE_TRACE_KEY]
  if (isSafeTraceHeader(value)) return value
  count('droppedTraceEntries')
  return undefined
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}
