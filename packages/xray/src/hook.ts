import type { CorrelationContext } from '@sightline/correlation'

/**
 * Where the tracer is found: `globalThis[Symbol.for('sightline.xray.v1')]`. http-client, aws-clients and
 * any copy of this package look it up per call, so none of them imports another.
 */
export const XRAY_KEY = Symbol.for('sightline.xray.v1')

/** One outgoing call, described by the client that makes it. */
export interface CallInfo {
  readonly kind: 'http' | 'aws'
  /** The subsegment's name: the host for HTTP, the service (`SQS`, `DynamoDB`) for AWS. */
  readonly name: string
  /** Default: `remote` for `http`, `aws` for `aws`. */
  readonly namespace?: 'remote' | 'aws'
  /** The query string and any user:password are never recorded. */
  readonly http?: { readonly method: string; readonly url: string }
  readonly aws?: { readonly operation: string; readonly service?: string; readonly region?: string }
  /** The context the call belongs to. Default: the current one. */
  readonly context?: CorrelationContext
}

/** How a call ended. Absent fields are simply not recorded. */
export interface CallResult {
  /** The HTTP status of the response, if one came. */
  readonly status?: number
  /** What the call failed with (no response, or an error response): recorded as the cause. */
  readonly error?: unknown
  /** The service said "slow down" (429, `ThrottlingException`…). */
  readonly throttled?: boolean
  /** AWS calls: the `x-amzn-requestid` of the response. */
  readonly requestId?: string
  /** AWS calls: retries made before this result. */
  readonly retries?: number
}

/** A call being traced. */
export interface TracedCall {
  /** The `X-Amzn-Trace-Id` to send instead of the context's: same Root and Sampled, Parent = this call. */
  readonly traceHeader: string
  /** Records the result and sends the subsegment; only the first call counts. Never throws. */
  end(result?: CallResult): void
}

export interface TracedOptions {
  /** Searchable key/values: keys `[A-Za-z0-9_]`, values string, finite number or boolean. */
  readonly annotations?: Readonly<Record<string, string | number | boolean>>
}

/** An inbound request's segment (services that are not Lambda functions). */
export interface SegmentRequest {
  readonly name: string
  readonly context: CorrelationContext
  readonly method: string
  readonly url: string
  /** Decides for requests that arrive without `Sampled=0|1`. */
  readonly sample: () => boolean
}

export interface OpenSegment {
  /** Runs `fn` with this segment as the parent of the calls it makes. */
  run<T>(fn: () => T): T
  end(result?: CallResult): void
}

/** The installed tracer. Clients only ever call `startCall`; the rest serves this package's helpers. */
export interface XrayHook {
  /** A subsegment for this call, or `undefined` when there is nothing to trace (no context, no Root). */
  startCall(call: CallInfo): TracedCall | undefined
  traced<T>(name: string, fn: () => T | PromiseLike<T>, options: TracedOptions): Promise<T>
  startSegment(request: SegmentRequest): OpenSegment | undefined
  /** Waits until every document handed to the socket has left; `undefined` when none is in flight. */
  flush(): Promise<void> | undefined
  close(): Promise<void>
}

/** The installed tracer (looked up per call: it may be installed after this module loads). */
export function getHook(): XrayHook | undefined {
  const hook = (globalThis as { [XRAY_KEY]?: Partial<XrayHook> })[XRAY_KEY]
  return hook != null && typeof hook.startCall === 'function' ? (hook as XrayHook) : undefined
}

/** Traces one outgoing call of a client of your own (fetch, undici): the hook's `startCall`, or undefined. */
export function startCall(call: CallInfo): TracedCall | undefined {
  return getHook()?.startCall(call)
}
