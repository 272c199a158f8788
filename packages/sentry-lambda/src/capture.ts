import { randomUUID } from 'node:crypto'
import { types } from 'node:util'
import type { CorrelationContext } from '@sightline/correlation'
import type { Settings } from './options.js'
import { type RequestData, requestOf } from './request.js'
import { loadRuntime, readyRuntime, type SentryRuntime } from './runtime.js'
import { markSent, rootOf, sentIn, state, workOf } from './state.js'
import { type EventData, eventData, type InvocationLike } from './tags.js'

export type CaptureKind = 'error' | 'timeout' | 'response'

/** One thing to report, prepared synchronously where it happened (the id goes on the log line now). */
export interface Capture {
  readonly kind: CaptureKind
  /** The thrown value, or the handled response for `response`. */
  readonly value: unknown
  readonly eventId: string
  /** The context it happened in: a batch record's, the invocation's, a server request's. */
  readonly scope: CorrelationContext | undefined
  readonly invocation: InvocationLike | undefined
  /** A stack for a thrown value that is not an Error, taken where the failure was reported. */
  readonly synthetic: Error | undefined
  readonly mechanism: string
  readonly request: RequestData | undefined
}

/** Sentry's event id format: 32 lowercase hex digits. */
export function newEventId(): string {
  return randomUUID().replaceAll('-', '')
}

const isObject = (x: unknown): x is object => x !== null && (typeof x === 'object' || typeof x === 'function')

/**
 * Captures `error` once per invocation (or server request): returns the event id to put on the log line,
 * and the same id again when the error was already sent from this invocation, by the plugin or by the
 * app's own `Sentry.captureException`.
 */
export function captureError(
  error: unknown,
  scope: CorrelationContext | undefined,
  invocation: InvocationLike | undefined,
  settings: Settings,
  mechanism: string,
  request: RequestData | undefined = requestOf(invocation?.event, scope?.source),
): string | undefined {
  if (isObject(error)) {
    const sent = sentIn(error, scope)
    if (sent !== undefined) return sent
  }
  const eventId = newEventId()
  if (isObject(error)) {
    markSent(error, eventId, scope)
    forgetSdkMark(error)
  }
  const isError = error instanceof Error || types.isNativeError(error)
  capture(
    {
      kind: 'error',
      value: error,
      eventId,
      scope,
      invocation,
      synthetic: isError ? undefined : new Error(String(describe(error))),
      mechanism,
      request,
    },
    settings,
  )
  return eventId
}

/**
 * The SDK marks every exception it captured and refuses it ever after: a shared error instance thrown
 * again in a later invocation would never reach Sentry. This invocation has not sent it: unmark it.
 */
function forgetSdkMark(error: object): void {
  try {
    if (Object.hasOwn(error, '__sentry_captured__'))
      delete (error as Record<string, unknown>).__sentry_captured__
  } catch {
    // A frozen error keeps its mark; the SDK then drops it, as it would without us.
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * Sends now when the SDK is loaded. Otherwise the capture waits in the invocation's work for the flush,
 * and the SDK starts loading now, so the flush has less of it to wait for. Outside an invocation (a
 * server request, module init) nothing will flush: it is sent as soon as the SDK is there.
 */
export function capture(c: Capture, settings: Settings): void {
  const runtime = readyRuntime()
  if (runtime !== undefined) {
    send(runtime, c, settings)
    return
  }
  const loading = loadRuntime(settings)
  const work = workOf(c.scope, true)
  if (work === undefined) {
    void loading.then((rt) => rt && send(rt, c, settings))
    return
  }
  work.queued.push((rt) => rt && send(rt, c, settings))
}

/** Hands one capture to the SDK, in a scope carrying its tags, contexts and request. */
export function send(runtime: SentryRuntime, c: Capture, settings: Settings): void {
  const { sdk, storage } = runtime
  const data = c.scope === undefined ? undefined : eventData(c.scope, c.invocation, settings.region)
  const body = () =>
    sdk.withScope((scope) => {
      if (data !== undefined) applyData(scope, data)
      const request = c.request
      if (request !== undefined) {
        scope.addEventProcessor((event) => {
          event.request ??= request
          return event
        })
      }
      const hint = { event_id: c.eventId }
      const label = data?.transaction ?? 'the function'
      switch (c.kind) {
        case 'error':
          scope.captureException(c.value, {
            ...hint,
            ...(c.synthetic !== undefined && { syntheticException: c.synthetic }),
            data: { mechanism: { type: c.mechanism, handled: false } },
          })
          break
        case 'timeout':
          scope.captureMessage(`${label} is about to time out`, 'warning', hint)
          break
        case 'response':
          scope.captureMessage(`${label} answered ${statusOf(c.value)}`, 'error', hint)
          break
      }
    })
  state.counters.captured++
  const root = c.scope === undefined ? undefined : rootOf(c.scope)
  // Not inside an isolation scope of its own (captured before the SDK was loaded, or outside wrap()): a
  // fresh one, so nothing the app left on the process-wide scope rides along. A server request under
  // Sentry's http integration has its own already.
  if (storage !== undefined && root?.source !== 'http' && (root === undefined || !state.forked.has(root))) {
    storage.exit(() => sdk.withIsolationScope(body))
  } else {
    body()
  }
}

type ScopeLike = {
  setTags(tags: Record<string, string>): unknown
  setContext(name: string, context: Record<string, unknown> | null): unknown
  setTransactionName(name?: string): unknown
}

export function applyData(scope: ScopeLike, data: EventData): void {
  scope.setTags(data.tags)
  for (const name in data.contexts) scope.setContext(name, data.contexts[name] ?? null)
  if (data.transaction !== undefined) scope.setTransactionName(data.transaction)
}

export function statusOf(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object') return undefined
  const status = (result as { statusCode?: unknown }).statusCode
  return typeof status === 'number' ? status : undefined
}
