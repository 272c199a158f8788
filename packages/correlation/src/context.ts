import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { count } from './diagnostics.js'
import { codes, SightlineError } from './errors.js'
import {
  CHAIN_KEY,
  DEBUG_KEY,
  type Ids,
  isIdKey,
  isSafeValue,
  limits,
  normalizeKey,
  PRIMARY_ID,
} from './ids.js'
import { isSafeTraceHeader, parseTraceHeader, type TraceHeader } from './trace.js'

export type EventSource =
  | 'api-gateway-rest'
  | 'api-gateway-http'
  | 'function-url'
  | 'alb'
  | 'sns'
  | 'sqs'
  | 'kinesis'
  | 'dynamodb'
  | 'eventbridge'
  | 'scheduled'
  | 'cloudwatch-logs'
  | 'direct'
  | 'http'
  | 'unknown'

/** What the Lambda context tells about the function; absent outside Lambda. */
export interface LambdaInfo {
  readonly functionName: string | undefined
  readonly functionVersion: string | undefined
  readonly memoryLimitInMB: number | undefined
  readonly invokedFunctionArn: string | undefined
  readonly logGroupName: string | undefined
  readonly logStreamName: string | undefined
  readonly coldStart: boolean
}

/** One invocation's (or one batch record's) context. Read it; change IDs only through `setCorrelationId`. */
export interface CorrelationContext {
  /** `x-correlation-*` IDs; `x-correlation-id` is always present. */
  readonly ids: Readonly<Record<string, string>>
  readonly awsRequestId: string | undefined
  /** The trace header to forward, verbatim when it was safe. */
  readonly traceHeader: string | undefined
  readonly trace: TraceHeader | undefined
  readonly debug: boolean
  readonly callChainLength: number
  readonly source: EventSource
  readonly lambda: LambdaInfo | undefined
  /** The invocation's context when this is a batch record's child scope. */
  readonly parent: CorrelationContext | undefined
  /** Epoch ms when the scope opened. */
  readonly startedAt: number
  /** Bumped by `setCorrelationId`, so caches derived from `ids` know to rebuild. */
  readonly revision: number
}

export interface ContextInit {
  ids?: Readonly<Record<string, string>> | undefined
  awsRequestId?: string | undefined
  traceHeader?: string | undefined
  debug?: boolean | undefined
  callChainLength?: number | undefined
  source?: EventSource | undefined
  lambda?: LambdaInfo | undefined
  parent?: CorrelationContext | undefined
}

// Shared across duplicate installs (a layer + the bundle, ESM + CJS), keyed like OpenTelemetry's globals.
const key = Symbol.for('sightline.correlation.v1')
const g = globalThis as { [key]?: AsyncLocalStorage<CorrelationContext> }
const storage: AsyncLocalStorage<CorrelationContext> = (g[key] ??= new AsyncLocalStorage())

interface Internal extends CorrelationContext {
  parsed: TraceHeader | undefined
  ids: Record<string, string>
  revision: number
  forwarded: Ids | undefined
}

/**
 * One context. A class, so that every context shares one shape and its `trace` getter lives on the
 * prototype: an object literal with a getter costs a closure and a new shape per invocation.
 */
class Context implements Internal {
  parsed: TraceHeader | undefined = undefined
  revision = 0
  forwarded: Ids | undefined = undefined
  readonly startedAt = Date.now()
  constructor(
    readonly ids: Record<string, string>,
    readonly awsRequestId: string | undefined,
    readonly traceHeader: string | undefined,
    readonly debug: boolean,
    readonly callChainLength: number,
    readonly source: EventSource,
    readonly lambda: LambdaInfo | undefined,
    readonly parent: CorrelationContext | undefined,
  ) {}

  // Parsed on first read: most invocations only need the Root (see `traceRoot`), many nothing at all.
  get trace(): TraceHeader | undefined {
    if (this.parsed === undefined && this.traceHeader !== undefined)
      this.parsed = parseTraceHeader(this.traceHeader)
    return this.parsed
  }
}

/**
 * Builds a context. IDs are trusted here (extraction validated them); `x-correlation-id` falls back to
 * the request id, then to a random UUID.
 */
export function createContext(init: ContextInit = {}): CorrelationContext {
  const ids: Record<string, string> = { ...init.ids }
  ids[PRIMARY_ID] ??= isSafeValue(init.awsRequestId) ? init.awsRequestId : randomUUID()
  return new Context(
    ids,
    init.awsRequestId,
    safeTraceHeader(init.traceHeader),
    init.debug ?? false,
    init.callChainLength ?? 1,
    init.source ?? 'unknown',
    init.lambda,
    init.parent,
  )
}

/** A batch record's scope: what the record carries, the rest inherited from `parent`. */
export function childContext(parent: CorrelationContext, init: ContextInit = {}): CorrelationContext {
  const hasOwnIds = init.ids !== undefined && Object.hasOwn(init.ids, PRIMARY_ID)
  return createContext({
    ids: hasOwnIds ? init.ids : { ...parent.ids, ...init.ids },
    awsRequestId: init.awsRequestId ?? parent.awsRequestId,
    traceHeader: init.traceHeader ?? parent.traceHeader,
    debug: init.debug ?? parent.debug,
    callChainLength: init.callChainLength ?? parent.callChainLength,
    source: init.source ?? parent.source,
    lambda: init.lambda ?? parent.lambda,
    parent,
  })
}

function safeTraceHeader(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined
  if (isSafeTraceHeader(header)) return header
  count('droppedTraceEntries')
  return undefined
}

export function withContext<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run(context, fn)
}

export function tryGetContext(): CorrelationContext | undefined {
  return storage.getStore()
}

export function getContext(): CorrelationContext {
  const ctx = storage.getStore()
  if (ctx === undefined) {
    throw new SightlineError(
      codes.NO_CONTEXT,
      'No Sightline context: call this inside wrap(), the middleware or withContext()',
    )
  }
  return ctx
}

const ROOT = /(?:^|;)\s*root\s*=\s*(1-[0-9a-f]{8}-[0-9a-f]{24})\s*(?:;|$)/i

/**
 * The trace Root of a context, without parsing the whole header unless it already was: the logger needs
 * it on every line's fragment, once per context.
 */
export function traceRoot(ctx: CorrelationContext): string | undefined {
  const parsed = (ctx as Internal).parsed
  if (parsed !== undefined || ctx.traceHeader === undefined) return parsed?.root
  return traceRootOf(ctx.traceHeader)
}

/** The Root of a trace header, read with one regex (see `parseTraceHeader` for the rest). */
export function traceRootOf(header: string): string | undefined {
  return ROOT.exec(header)?.[1]
}

const NONE: Ids = Object.freeze({})

/**
 * The IDs to forward downstream: every `x-correlation-*`, `debug-log-enabled` and `call-chain-length`.
 * Cached per context until an ID changes, so carriers can call it per message at no cost.
 */
export function correlationIds(ctx: CorrelationContext | undefined = storage.getStore()): Ids {
  if (ctx === undefined) return NONE
  const internal = ctx as Internal
  let out = internal.forwarded
  if (out === undefined) {
    out = Object.freeze({
      ...ctx.ids,
      [DEBUG_KEY]: ctx.debug ? 'true' : 'false',
      [CHAIN_KEY]: String(ctx.callChainLength),
    })
    internal.forwarded = out
  }
  return out
}

/** The same caps as inbound IDs, so what we forward can always be read back by the next hop. */
function fits(ids: Readonly<Record<string, string>>, key: string, value: string): boolean {
  let n = 0
  let bytes = key.length + value.length
  for (const k in ids) {
    if (k === key) continue
    n++
    bytes += k.length + ids[k]!.length
  }
  return n < limits.maxIds && bytes <= limits.maxTotalBytes
}

/**
 * Sets (or replaces) one ID on the current context: `setCorrelationId('user-id', id)` forwards
 * `x-correlation-user-id` from here on. Unsafe values are dropped and counted. Returns whether it was set.
 */
export function setCorrelationId(key: string, value: string): boolean {
  const ctx = storage.getStore() as Internal | undefined
  const name = normalizeKey(key)
  if (ctx === undefined || !isIdKey(name) || !isSafeValue(value) || !fits(ctx.ids, name, value)) {
    if (ctx !== undefined) count('droppedIds')
    return false
  }
  ctx.ids[name] = value
  ctx.forwarded = undefined
  ctx.revision++
  return true
}
