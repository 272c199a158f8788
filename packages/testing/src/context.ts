import { randomUUID } from 'node:crypto'
import { invalidOption } from '@sightline/correlation'
import type { ClientContext, Context } from 'aws-lambda'
import { type Clock, systemClock } from './clock.js'
import { ACCOUNT_ID, hex, REGION } from './defaults.js'

/** What a caller put in `ClientContext` on `Invoke`; the Node runtime hands the parsed JSON over as is. */
export interface FakeClientContext {
  Custom?: Record<string, unknown>
  custom?: Record<string, unknown>
  client?: Partial<ClientContext['client']>
  env?: Partial<ClientContext['env']>
}

export interface FakeContextOptions {
  /** Time left when the invocation starts. */
  remainingMs?: number
  functionName?: string
  functionVersion?: string
  memoryLimitInMB?: number
  awsRequestId?: string
  /** Where the remaining time is read; `manualClock()` makes it controllable. */
  clock?: Clock
  /** Set on newer runtimes and on Lambda Managed Instances, where `_X_AMZN_TRACE_ID` is not. */
  xRayTraceId?: string
  clientContext?: FakeClientContext
  logGroupName?: string
  logStreamName?: string
  region?: string
}

/** The Lambda Node.js context, plus `xRayTraceId` as newer runtimes give it. */
export interface FakeContext extends Context {
  xRayTraceId?: string
}

/**
 * A Lambda context for tests. The deadline is fixed at creation (`clock.now() + remainingMs`), so
 * `getRemainingTimeInMillis()` counts down as the clock moves, and stops at 0.
 */
export function fakeContext({
  remainingMs = 30_000,
  functionName = 'test-fn',
  functionVersion = '$LATEST',
  memoryLimitInMB = 1024,
  awsRequestId = randomUUID(),
  clock = systemClock,
  xRayTraceId,
  clientContext,
  logGroupName = `/aws/lambda/${functionName}`,
  logStreamName,
  region = REGION,
}: FakeContextOptions = {}): FakeContext {
  if (!Number.isFinite(remainingMs) || remainingMs < 0) {
    invalidOption('remainingMs', 'a finite number ≥ 0', remainingMs)
  }
  if (!Number.isInteger(memoryLimitInMB) || memoryLimitInMB <= 0) {
    invalidOption('memoryLimitInMB', 'a positive integer', memoryLimitInMB)
  }
  const start = clock.now()
  const deadline = start + remainingMs
  // An unqualified invoke of $LATEST gives the bare ARN; a published version is part of the ARN.
  const qualifier = functionVersion === '$LATEST' ? '' : `:${functionVersion}`
  const context: FakeContext = {
    awsRequestId,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}${qualifier}`,
    memoryLimitInMB: String(memoryLimitInMB),
    logGroupName,
    logStreamName: logStreamName ?? defaultLogStream(start, functionVersion),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
    done: removed('done'),
    fail: removed('fail'),
    succeed: removed('succeed'),
  }
  if (xRayTraceId !== undefined) context.xRayTraceId = xRayTraceId
  // The runtime passes the caller's JSON through, whatever members it has (see FakeClientContext).
  if (clientContext !== undefined) context.clientContext = clientContext as ClientContext
  return context
}

/** `2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef`, as Lambda names a sandbox's stream. */
function defaultLogStream(ms: number, version: string): string {
  const date = new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/')
  return `${date}/[${version}]${hex(32)}`
}

// nodejs24.x removed these (and Sightline's wrapper never needs them): fail loudly instead of hanging.
function removed(name: string): () => never {
  return () => {
    throw new Error(
      `context.${name}() does not exist on the nodejs24.x runtime: return a value or a promise from the handler`,
    )
  }
}
