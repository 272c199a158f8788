import type { CorrelationContext } from '@sightline/correlation'
import { capture, captureError, newEventId, statusOf } from './capture.js'
import { flushWork } from './flush.js'
import { resolveSettings, type SentryOptions, type Settings } from './options.js'
import { requestOf } from './request.js'
import { loadRuntime } from './runtime.js'
import { openScope } from './scope.js'
import { state } from './state.js'
import type { InvocationLike } from './tags.js'

/** A plugin for `wrap()` (`@sightline/handler-wrapper`): every hook is optional there. */
export interface SentryPlugin {
  readonly name: string
  /** Opens the invocation's own Sentry scope, once the SDK is loaded; nothing before. */
  onInvoke?(invocation: InvocationLike): void
  /** Captures the failure once; its event id goes on the error line as `sentryEventId`. */
  onError?(
    error: unknown,
    invocation: InvocationLike,
    scope: CorrelationContext,
  ): { sentryEventId: string } | undefined
  /** One warning event when the last gasp fires. */
  onTimeout?(invocation: InvocationLike): void
  /**
   * With `captureServerErrors`: one event for a handled response with a `statusCode` ≥ 500. Called by a
   * wrapper that has the `onResult` hook (see the README); ignored by one that has not.
   */
  onResult?(result: unknown, invocation: InvocationLike): void
  /** Sends what the invocation captured, within the wrapper's deadline; nothing (no promise) otherwise. */
  flush?(deadline: number, invocation: InvocationLike): Promise<void> | undefined
  /** Loads and initialises `@sentry/node` now (idempotent); resolves whether Sentry is ready. */
  load(): Promise<boolean>
}

const WRAP_MECHANISM = 'auto.function.sightline.wrap'

/**
 * Sentry for `wrap()`: configuring it loads nothing. `@sentry/node` is loaded at the first capture (or at
 * construction, with `eager`), every failure is captured once with the invocation's tags and IDs, and
 * the flush waits for the envelope — only when something was captured — within the wrapper's budget.
 */
export function sentry(options: SentryOptions = {}): SentryPlugin {
  return createPlugin(resolveSettings(options))
}

export function createPlugin(settings: Settings): SentryPlugin {
  const load = () => loadRuntime(settings).then((runtime) => runtime !== undefined)
  if (settings.dsn === undefined) return { name: 'sentry', load: () => Promise.resolve(false) }
  const timedOut = new WeakSet<InvocationLike>()
  const answered = new WeakSet<InvocationLike>()
  const plugin: SentryPlugin = {
    name: 'sentry',
    onInvoke(invocation) {
      const runtime = state.runtime
      if (runtime !== undefined) openScope(runtime, invocation)
    },
    onError(error, invocation, scope) {
      const sentryEventId = captureError(error, scope, invocation, settings, WRAP_MECHANISM)
      return sentryEventId === undefined ? undefined : { sentryEventId }
    },
    onTimeout(invocation) {
      if (!settings.captureTimeouts || timedOut.has(invocation)) return
      timedOut.add(invocation)
      report('timeout', undefined, invocation, settings)
    },
    onResult(result, invocation) {
      if (!settings.captureServerErrors || answered.has(invocation)) return
      const status = statusOf(result)
      if (status === undefined || status < 500) return
      answered.add(invocation)
      report('response', result, invocation, settings)
    },
    flush(deadline, invocation) {
      return flushWork(invocation.context, deadline, settings)
    },
    load,
  }
  if (settings.eager) void load()
  return plugin
}

function report(
  kind: 'timeout' | 'response',
  value: unknown,
  invocation: InvocationLike,
  settings: Settings,
) {
  capture(
    {
      kind,
      value,
      eventId: newEventId(),
      scope: invocation.context,
      invocation,
      synthetic: undefined,
      mechanism: WRAP_MECHANISM,
      request: requestOf(invocation.event, invocation.context.source),
    },
    settings,
  )
}
