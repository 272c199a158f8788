import { Buffer } from 'node:buffer'
import {
  type Carrier,
  type Extracted,
  extract,
  jsonEnvelope,
  lambdaClientContext,
  snsEventAttributes,
  sqsEventAttributes,
  unwrapJson,
} from './carriers.js'
import {
  type CorrelationContext,
  childContext,
  createContext,
  type EventSource,
  type LambdaInfo,
  traceRoot,
  traceRootOf,
} from './context.js'
import { IdCollector, isSafeValue, PRIMARY_ID } from './ids.js'

/** The parts of the Lambda context Sightline reads. `{}` and `undefined` are fine (unit tests). */
export interface LambdaContextLike {
  readonly awsRequestId?: string
  readonly functionName?: string
  readonly functionVersion?: string
  readonly memoryLimitInMB?: string | number
  readonly invokedFunctionArn?: string
  readonly logGroupName?: string
  readonly logStreamName?: string
  readonly xRayTraceId?: string
  readonly clientContext?: unknown
}

export interface ExtractOptions {
  /** Share of invocations that log at debug level when no upstream decision arrived (0–1). */
  readonly debugSampleRate?: number
  /** Whether this is the process's first invocation (the wrapper knows). */
  readonly coldStart?: boolean
  /** Source of randomness for debug sampling; tests pass their own. */
  readonly random?: () => number
}

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined)
const firstRecord = (event: Obj): Obj | undefined => {
  const r = event.Records
  return Array.isArray(r) && isObj(r[0]) ? r[0] : undefined
}

/** Which AWS service sent this event, judged by shape. Never throws. */
export function detectSource(event: unknown): EventSource {
  if (!isObj(event)) return 'direct'
  const rc = event.requestContext
  if (isObj(rc)) {
    if (isObj(rc.elb)) return 'alb'
    if (isObj(rc.http)) {
      return typeof rc.domainName === 'string' && rc.domainName.includes('.lambda-url.')
        ? 'function-url'
        : 'api-gateway-http'
    }
    if (typeof event.httpMethod === 'string') return 'api-gateway-rest'
  }
  if (isObj(event.awslogs)) return 'cloudwatch-logs'
  const record = firstRecord(event)
  if (record !== undefined) {
    const src = record.eventSource ?? record.EventSource
    if (src === 'aws:sqs') return 'sqs'
    if (src === 'aws:sns') return 'sns'
    if (src === 'aws:kinesis') return 'kinesis'
    if (src === 'aws:dynamodb') return 'dynamodb'
  }
  if (typeof event['detail-type'] === 'string' && typeof event.source === 'string') {
    return event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event'
      ? 'scheduled'
      : 'eventbridge'
  }
  return 'direct'
}

const NOTHING: Extracted = Object.freeze({
  ids: Object.freeze({}),
  debug: undefined,
  callChainLength: undefined,
})

interface Found {
  readonly extracted: Extracted
  readonly traceHeader: string | undefined
  readonly requestId: string | undefined
}

const TRACE_HEADER = 'x-amzn-trace-id'

/**
 * One pass over the headers: only keys that can be ours (x-…, debug-…, call-…, sightline-…) are
 * lowercased and offered. API Gateway v1 repeats every header in `multiValueHeaders`; ALB sends one or the
 * other; so the multi-value map is read only when there is no plain one.
 */
function fromHeaders(event: Obj, withRequestId: boolean): Found {
  const collector = new IdCollector()
  const headers = isObj(event.headers)
    ? event.headers
    : isObj(event.multiValueHeaders)
      ? event.multiValueHeaders
      : undefined
  let trace: string | undefined
  if (headers !== undefined) {
    for (const key in headers) {
      const c = key.charCodeAt(0) | 32
      if (c !== 120 && c !== 100 && c !== 99 && c !== 115) continue
      const raw = headers[key]
      const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw[0] : undefined
      if (key.length === TRACE_HEADER.length && key.toLowerCase() === TRACE_HEADER) trace ??= str(value)
      else collector.offer(key, value)
    }
  }
  const rc = event.requestContext as Obj
  return {
    extracted: collector,
    traceHeader: trace,
    // The fallback ID is forwarded downstream like any other: it must pass the same checks.
    requestId: withRequestId && isSafeValue(rc.requestId) ? rc.requestId : undefined,
  }
}

function offerCarrier<C>(collector: IdCollector, carrier: C | undefined, via: Carrier<C>): void {
  if (carrier === undefined) return
  const found = extract(carrier, via)
  for (const key in found.ids) collector.offer(key, found.ids[key])
  if (found.debug !== undefined) collector.offer('debug-log-enabled', found.debug)
  if (found.callChainLength !== undefined) collector.offer('call-chain-length', found.callChainLength)
}

/** Reads one batch record's IDs and trace header, and the record as the handler should see it. */
function fromRecord(source: EventSource, record: Obj): Found & { record: Obj } {
  switch (source) {
    case 'sns': {
      const sns = isObj(record.Sns) ? record.Sns : {}
      const attrs = isObj(sns.MessageAttributes) ? sns.MessageAttributes : undefined
      return {
        extracted: attrs ? extract(attrs as never, snsEventAttributes) : NOTHING,
        traceHeader: undefined,
        requestId: undefined,
        record,
      }
    }
    case 'sqs': {
      const attrs = isObj(record.messageAttributes) ? record.messageAttributes : undefined
      let extracted: Extracted = attrs ? extract(attrs as never, sqsEventAttributes) : NOTHING
      if (extracted.ids[PRIMARY_ID] === undefined) extracted = fromSqsBody(record.body) ?? extracted
      const sys = isObj(record.attributes) ? record.attributes : {}
      return { extracted, traceHeader: str(sys.AWSTraceHeader), requestId: undefined, record }
    }
    case 'kinesis': {
      const kinesis = isObj(record.kinesis) ? record.kinesis : undefined
      const data = kinesis && str(kinesis.data)
      if (data === undefined)
        return { extracted: NOTHING, traceHeader: undefined, requestId: undefined, record }
      const text = Buffer.from(data, 'base64').toString('utf8')
      const { ids, payload, traceHeader } = unwrapJson(text)
      if (payload === text) return { extracted: ids, traceHeader, requestId: undefined, record }
      // The handler sees the producer's payload, not our envelope.
      const stripped = {
        ...record,
        kinesis: { ...kinesis, data: Buffer.from(payload, 'utf8').toString('base64') },
      }
      return { extracted: ids, traceHeader, requestId: undefined, record: stripped }
    }
    default:
      return { extracted: NOTHING, traceHeader: undefined, requestId: undefined, record }
  }
}

/** Raw delivery off: the SQS body is the SNS envelope. EventBridge → SQS: the body is the event. */
function fromSqsBody(body: unknown): Extracted | undefined {
  if (typeof body !== 'string' || body.charCodeAt(0) !== 123 || body.length > 1_048_576) return undefined
  if (!body.includes('"TopicArn"') && !body.includes('"__context__"')) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!isObj(parsed)) return undefined
  if (isObj(parsed.MessageAttributes)) return extract(parsed.MessageAttributes as never, snsEventAttributes)
  if (isObj(parsed.detail)) return extract(parsed.detail, jsonEnvelope)
  return undefined
}

function fromEvent(source: EventSource, event: unknown, lambdaContext: LambdaContextLike | undefined): Found {
  switch (source) {
    case 'api-gateway-rest':
    case 'api-gateway-http':
    case 'function-url':
      return fromHeaders(event as Obj, true)
    case 'alb':
      return fromHeaders(event as Obj, false)
    case 'sns':
    case 'sqs':
    case 'kinesis':
    case 'dynamodb': {
      // A batch of one is that record's story; a larger batch gets per-record scopes from processBatch.
      const records = (event as Obj).Records as unknown[]
      if (records.length !== 1) return { extracted: NOTHING, traceHeader: undefined, requestId: undefined }
      return fromRecord(source, records[0] as Obj)
    }
    case 'eventbridge': {
      const detail = (event as Obj).detail
      return {
        extracted: isObj(detail) ? extract(detail, jsonEnvelope) : NOTHING,
        traceHeader: undefined,
        requestId: undefined,
      }
    }
    case 'direct': {
      const collector = new IdCollector()
      // dazn-lambda-powertools' Lambda client sends `{ __context__: ids, ...payload }`; others put IDs on top.
      if (isObj(event)) {
        if (isObj(event.__context__)) collector.offerAll(event.__context__)
        collector.offerAll(event)
      }
      const cc = lambdaContext?.clientContext
      if (isObj(cc)) offerCarrier(collector, cc, lambdaClientContext)
      return { extracted: collector, traceHeader: undefined, requestId: undefined }
    }
    default:
      return { extracted: NOTHING, traceHeader: undefined, requestId: undefined }
  }
}

type InvokeStoreLike = { getXRayTraceId?: () => string | undefined }

/**
 * The invocation's own trace header, read per invocation: the Lambda context, then the runtime's
 * InvokeStore (Managed Instances, where the env var is not set), then `_X_AMZN_TRACE_ID`, then what
 * came in on the event.
 */
export function invocationTraceHeader(
  lambdaContext?: LambdaContextLike,
  inbound?: string,
): string | undefined {
  const fromContext = str(lambdaContext?.xRayTraceId)
  if (fromContext !== undefined) return fromContext
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore
  if (store !== undefined) {
    try {
      const id = str(store.getXRayTraceId?.())
      if (id !== undefined) return id
    } catch {
      // A runtime without a usable store: fall through to the env var.
    }
  }
  return str(process.env._X_AMZN_TRACE_ID) ?? inbound
}

// The Lambda context's function fields are the same for every invocation of a process (an alias and
// $LATEST can share one, hence the check): the last LambdaInfo is reused rather than rebuilt per call.
let lastInfo: LambdaInfo | undefined
let lastMemory: unknown

function lambdaInfo(lc: LambdaContextLike | undefined, coldStart: boolean): LambdaInfo | undefined {
  if (lc === undefined || lc === null || typeof lc !== 'object') return undefined
  const mem = lc.memoryLimitInMB
  const last = lastInfo
  if (
    last !== undefined &&
    last.coldStart === coldStart &&
    mem === lastMemory &&
    last.functionName === str(lc.functionName) &&
    last.functionVersion === str(lc.functionVersion) &&
    last.invokedFunctionArn === str(lc.invokedFunctionArn) &&
    last.logGroupName === str(lc.logGroupName) &&
    last.logStreamName === str(lc.logStreamName)
  )
    return last
  const info: LambdaInfo = Object.freeze({
    functionName: str(lc.functionName),
    functionVersion: str(lc.functionVersion),
    memoryLimitInMB: Number.isFinite(Number(mem)) && Number(mem) > 0 ? Number(mem) : undefined,
    invokedFunctionArn: str(lc.invokedFunctionArn),
    logGroupName: str(lc.logGroupName),
    logStreamName: str(lc.logStreamName),
    coldStart,
  })
  lastInfo = info
  lastMemory = mem
  return info
}

function decideDebug(inbound: boolean | undefined, options: ExtractOptions): boolean {
  if (inbound !== undefined) return inbound
  const rate = options.debugSampleRate ?? 0
  return rate > 0 && (options.random ?? Math.random)() < rate
}

/**
 * Builds the invocation's context from any Lambda event. When no ID arrived, `x-correlation-id` is the
 * API Gateway request id, else the Lambda request id. Never throws on malformed events.
 */
export function extractFromEvent(
  event: unknown,
  lambdaContext?: LambdaContextLike,
  options: ExtractOptions = {},
): CorrelationContext {
  const lc = lambdaContext !== null && typeof lambdaContext === 'object' ? lambdaContext : undefined
  let source: EventSource = 'unknown'
  let found: Found
  try {
    source = detectSource(event)
    found = fromEvent(source, event, lc)
  } catch {
    // Proxies, throwing getters, shapes nobody planned for: the invocation still gets a context.
    found = { extracted: NOTHING, traceHeader: undefined, requestId: undefined }
  }
  const { extracted } = found
  const awsRequestId = str(lc?.awsRequestId)
  const ids =
    extracted.ids[PRIMARY_ID] !== undefined || found.requestId === undefined
      ? extracted.ids
      : { ...extracted.ids, [PRIMARY_ID]: found.requestId }
  return createContext({
    ids,
    awsRequestId,
    traceHeader: invocationTraceHeader(lc, found.traceHeader),
    debug: decideDebug(extracted.debug, options),
    callChainLength: (extracted.callChainLength ?? 0) + 1,
    source,
    lambda: lambdaInfo(lc, options.coldStart ?? false),
  })
}

/** One batch record's scope and the record as the handler should see it (Kinesis envelope stripped). */
export interface RecordScope<R = unknown> {
  readonly context: CorrelationContext
  readonly record: R
}

/**
 * The child scope of one SQS, SNS, Kinesis or DynamoDB record: the record's own IDs and trace header,
 * the rest from the invocation. A record without IDs shares the invocation's.
 */
export function extractFromRecord<R>(record: R, parent: CorrelationContext): RecordScope<R> {
  let source: EventSource = parent.source
  try {
    if (!isObj(record)) return { context: childContext(parent), record }
    source = recordSource(record.eventSource ?? record.EventSource, parent.source)
  } catch {
    return { context: childContext(parent), record }
  }
  return scopeOf(record as R & Obj, source, parent)
}

function recordSource(src: unknown, fallback: EventSource): EventSource {
  return src === 'aws:sqs'
    ? 'sqs'
    : src === 'aws:sns'
      ? 'sns'
      : src === 'aws:kinesis'
        ? 'kinesis'
        : src === 'aws:dynamodb'
          ? 'dynamodb'
          : fallback
}

/**
 * A record's trace header, unless it names the invocation's own trace: then the invocation's header (whose
 * Parent is this function's segment, further down the same trace) is the one to forward and hang under.
 */
function ownTrace(header: string | undefined, parent: CorrelationContext): string | undefined {
  if (header === undefined || parent.traceHeader === undefined) return header
  const root = traceRoot(parent)
  return root !== undefined && header.includes(root) && traceRootOf(header) === root ? undefined : header
}

function scopeOf<R>(record: R & Obj, source: EventSource, parent: CorrelationContext): RecordScope<R> {
  let found: ReturnType<typeof fromRecord>
  try {
    found = fromRecord(source, record)
  } catch {
    return { context: childContext(parent, { source }), record }
  }
  const { extracted } = found
  const hasIds = extracted.ids[PRIMARY_ID] !== undefined
  const context = childContext(parent, {
    ids: hasIds ? extracted.ids : undefined,
    traceHeader: ownTrace(found.traceHeader, parent),
    debug: extracted.debug,
    callChainLength: extracted.callChainLength === undefined ? undefined : extracted.callChainLength + 1,
    source,
  })
  return { context, record: found.record as R }
}
