import { skipped, type WarnLogger } from './diagnostics.js'

/**
 * The tracer `@sightline/xray` installs at `globalThis[Symbol.for('sightline.xray.v1')]` when tracing is
 * on. The two packages never import each other: this global is the whole contract.
 */
interface XrayHook {
  startCall(call: {
    kind: 'aws'
    name: string
    aws: { operation: string; service: string; region?: string }
  }): TracedCall | undefined
}
interface TracedCall {
  readonly traceHeader: string
  end(result?: CallResult): void
}
interface CallResult {
  status?: number
  error?: unknown
  throttled?: boolean
  requestId?: string
  retries?: number
}

const XRAY_KEY = Symbol.for('sightline.xray.v1')

/** The name of the tracing middleware in the client's stack. */
export const XRAY_MIDDLEWARE_NAME = 'sightlineXrayMiddleware'

// Error names AWS services use for "slow down" (plus any error the SDK marks as a throttle, and 429).
const THROTTLES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
])

type Metadata = { httpStatusCode?: unknown; requestId?: unknown; attempts?: unknown }
type Args = { request?: unknown; [k: string]: unknown }
type Output = { output?: { $metadata?: Metadata }; response?: { statusCode?: unknown } }
type Next = (args: Args) => Promise<Output>
type HandlerContext = { commandName?: unknown }
type Region = unknown

// The call of one `send`, kept on the SDK's per-send handler context for the steps after the first.
const CALL = Symbol('sightline.aws-clients.xrayCall')
type Carrying = { [CALL]?: TracedCall }

/**
 * The trace header of the subsegment for this `send`, when `xrayMiddleware` opened one: message-level trace
 * fields (SQS `AWSTraceHeader`, the Kinesis envelope…) then name the call, as the HTTP header does.
 */
export function callTraceHeader(context: unknown): string | undefined {
  return (context as Carrying | null | undefined)?.[CALL]?.traceHeader
}

/**
 * The initialize step's last middleware, around everything after it (serialization, retries, signing, the
 * HTTP call): one subsegment per `send`. Opened before serialization, so Sightline's injection can put the
 * call's header in the messages; `xrayHeaderMiddleware` puts it in the request's `X-Amzn-Trace-Id` (which
 * SigV4 leaves unsigned). Without a tracer, or outside a traced invocation, the request goes straight through.
 */
export function xrayMiddleware(service: string, region: Region, logger: WarnLogger) {
  return (next: Next, context: HandlerContext): Next =>
    async (args) => {
      const hook = (globalThis as { [XRAY_KEY]?: Partial<XrayHook> })[XRAY_KEY]
      if (hook == null || typeof hook.startCall !== 'function') return next(args)
      const operation = operationOf(context)
      let call: TracedCall | undefined
      try {
        call = (hook as XrayHook).startCall({
          kind: 'aws',
          name: service,
          aws: withRegion({ operation, service }, await regionOf(region)),
        })
        if (call !== undefined && context !== null && typeof context === 'object')
          (context as Carrying)[CALL] = call
      } catch (error) {
        skipped('trace-failed', logger, operation, error)
      }
      if (call === undefined) return next(args)
      let output: Output
      try {
        output = await next(args)
      } catch (error) {
        end(call, failure(error), logger, operation)
        throw error
      }
      end(call, success(output), logger, operation)
      return output
    }
}

function operationOf(context: HandlerContext): string {
  const command = typeof context?.commandName === 'string' ? context.commandName : ''
  return command.endsWith('Command') ? command.slice(0, -7) : command
}

async function regionOf(region: Region): Promise<string | undefined> {
  const value = typeof region === 'function' ? await (region as () => unknown)() : region
  return typeof value === 'string' ? value : undefined
}

function withRegion(aws: { operation: string; service: string }, region: string | undefined) {
  return region === undefined ? aws : { ...aws, region }
}

/** The build step: the request exists now; it carries the call's header on every attempt. */
export function xrayHeaderMiddleware() {
  return (next: Next, context: HandlerContext): Next => {
    return (args) => {
      const header = callTraceHeader(context)
      if (header !== undefined) setTraceHeader(args.request, header)
      return next(args)
    }
  }
}

/** The name of the build-step middleware that puts the call's header on the request. */
export const XRAY_HEADER_MIDDLEWARE_NAME = 'sightlineXrayHeaderMiddleware'

function setTraceHeader(request: unknown, traceHeader: string): void {
  const headers = (request as { headers?: unknown } | null | undefined)?.headers
  if (headers !== null && typeof headers === 'object')
    (headers as Record<string, string>)['X-Amzn-Trace-Id'] = traceHeader
}

function fromMetadata(result: CallResult, meta: Metadata | undefined): CallResult {
  if (meta === undefined || meta === null) return result
  if (typeof meta.httpStatusCode === 'number') result.status = meta.httpStatusCode
  if (typeof meta.requestId === 'string') result.requestId = meta.requestId
  if (typeof meta.attempts === 'number' && meta.attempts > 1) result.retries = meta.attempts - 1
  return result
}

function success(output: Output): CallResult {
  const result = fromMetadata({}, output?.output?.$metadata)
  const status = output?.response?.statusCode
  if (result.status === undefined && typeof status === 'number') result.status = status
  return result
}

function failure(error: unknown): CallResult {
  const e = (error ?? {}) as { name?: unknown; $metadata?: Metadata; $retryable?: { throttling?: unknown } }
  const result = fromMetadata({ error }, e.$metadata)
  if (
    e.$retryable?.throttling === true ||
    (typeof e.name === 'string' && THROTTLES.has(e.name)) ||
    result.status === 429
  )
    result.throttled = true
  return result
}

function end(call: TracedCall, result: CallResult, logger: WarnLogger, operation: string): void {
  try {
    call.end(result)
  } catch (error) {
    skipped('trace-failed', logger, operation, error)
  }
}
