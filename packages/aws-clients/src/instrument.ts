import { invalidOption } from '@sightline/correlation'
import { logger as defaultLogger } from '@sightline/logger'
import { captureIds, hasStamps, isEmpty, withTraceHeader } from './capture.js'
import { skipped, type WarnLogger } from './diagnostics.js'
import { eventBridge } from './events.js'
import type { Injector, Obj, Sending } from './injector.js'
import { lambda } from './lambda.js'
import { sns, sqs } from './messaging.js'
import { stepFunctions } from './step-functions.js'
import { firehose, kinesis } from './streams.js'
import {
  callTraceHeader,
  XRAY_HEADER_MIDDLEWARE_NAME,
  XRAY_MIDDLEWARE_NAME,
  xrayHeaderMiddleware,
  xrayMiddleware,
} from './xray.js'

export interface InstrumentOptions {
  /** Where the one warning per skip reason goes. Default: `@sightline/logger`'s logger. */
  readonly logger?: WarnLogger
}

/** The name of the middleware in the client's stack (`client.middlewareStack.remove(name)` takes it out). */
export const MIDDLEWARE_NAME = 'sightlineCorrelationMiddleware'

/** What `instrument` needs of an AWS SDK v3 client; the SDK itself is not a dependency. */
export interface InstrumentableClient {
  readonly middlewareStack: { add(middleware: never, options: never): void }
  readonly config?: { readonly serviceId?: unknown; readonly region?: unknown }
}

/** Operations that carry IDs, by the client's `config.serviceId`. */
const services: Readonly<Record<string, Readonly<Record<string, Injector>>>> = {
  SNS: sns,
  SQS: sqs,
  Kinesis: kinesis,
  Firehose: firehose,
  EventBridge: eventBridge,
  'CloudWatch Events': eventBridge,
  Lambda: lambda,
  SFN: stepFunctions,
}

/** The operations `instrument` rewrites, per service: what the README lists. */
export const instrumentedOperations: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.entries(services).map(([id, ops]) => [id, Object.freeze(Object.keys(ops))])),
)

type Args = { input: unknown; [k: string]: unknown }
type Next = (args: Args) => Promise<unknown>
type HandlerContext = { commandName?: unknown }

/**
 * Adds Sightline's middleware to an AWS SDK v3 client (SNS, SQS, Kinesis, Firehose, EventBridge, Lambda,
 * Step Functions) and returns the same client. Each request then carries the current context's
 * correlation IDs (and trace header where the service has a field for it). Instrumenting twice keeps one
 * middleware; a client of another service gets only the X-Ray middleware (a subsegment per call when
 * `@sightline/xray` is on). The request is never failed by us: what cannot be injected is left out, counted
 * and reported once.
 */
export function instrument<C extends InstrumentableClient>(client: C, options: InstrumentOptions = {}): C {
  const stack = (client as { middlewareStack?: { add?: unknown } } | null | undefined)?.middlewareStack
  if (stack === null || typeof stack !== 'object' || typeof stack.add !== 'function')
    invalidOption('client', 'an AWS SDK v3 client (with a middlewareStack)', client)
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  const { logger = defaultLogger } = options
  if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function')
    invalidOption('logger', 'a logger with a warn method', logger)
  const serviceId = client.config?.serviceId
  // Every client, whatever its service: a subsegment per call when @sightline/xray is on, a pass-through
  // otherwise. Opened at the end of the initialize step (before our injection, which names the call in
  // message-level trace fields), it wraps serialization, retries, signing and the HTTP call; the build step
  // puts its header on the request.
  stack.add(
    xrayMiddleware(typeof serviceId === 'string' ? serviceId : 'AWS', client.config?.region, logger) as never,
    {
      step: 'initialize',
      priority: 'low',
      name: XRAY_MIDDLEWARE_NAME,
      tags: ['SIGHTLINE', 'XRAY'],
      override: true,
    } as never,
  )
  stack.add(
    xrayHeaderMiddleware() as never,
    {
      step: 'build',
      priority: 'high',
      name: XRAY_HEADER_MIDDLEWARE_NAME,
      tags: ['SIGHTLINE', 'XRAY'],
      override: true,
    } as never,
  )
  const injectors = typeof serviceId === 'string' ? services[serviceId] : undefined
  if (injectors === undefined) return client
  // The serialize step: every initialize middleware has had its say, so the input is final; the request
  // is built (and then signed) from what we pass on. High priority: before the serializer.
  stack.add(
    correlationMiddleware(injectors, logger) as never,
    {
      step: 'serialize',
      priority: 'high',
      name: MIDDLEWARE_NAME,
      tags: ['SIGHTLINE', 'TRACE_CONTEXT_PROPAGATION'],
      override: true,
    } as never,
  )
  return client
}

function correlationMiddleware(injectors: Readonly<Record<string, Injector>>, logger: WarnLogger) {
  return (next: Next, context: HandlerContext): Next => {
    const command = typeof context?.commandName === 'string' ? context.commandName : ''
    const operation = command.endsWith('Command') ? command.slice(0, -7) : command
    const inject = Object.hasOwn(injectors, operation) ? injectors[operation] : undefined
    // Other operations of the client go straight through: not even a function call is added.
    if (inject === undefined) return next
    return (args: Args) => {
      let input: Obj | undefined
      try {
        input = rewrite(inject, args.input, operation, logger, callTraceHeader(context))
      } catch (error) {
        skipped('failed', logger, operation, error)
      }
      return next(input === undefined ? args : { ...args, input })
    }
  }
}

function rewrite(
  inject: Injector,
  input: unknown,
  operation: string,
  logger: WarnLogger,
  callHeader: string | undefined,
): Obj | undefined {
  if (input === null || typeof input !== 'object') return undefined
  const captured = captureIds()
  // Traced: the messages name this call's subsegment as their parent, as the request header does.
  const current = callHeader === undefined ? captured : withTraceHeader(captured, callHeader)
  const sending: Sending = { current, skip: (reason) => skipped(reason, logger, operation) }
  // Without a context there may still be stamped entries (withIds), so only an empty everything skips.
  if (isEmpty(current) && !hasStamps(input as Obj)) return undefined
  return inject(input as Obj, sending)
}
