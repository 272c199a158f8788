import type { CorrelationContext, LambdaContextLike } from '@sightline/correlation'

/** One invocation as plugins see it. */
export interface Invocation {
  readonly context: CorrelationContext
  readonly event: unknown
  readonly lambdaContext: LambdaContextLike | undefined
  /** Epoch ms. */
  readonly startedAt: number
  /** Epoch ms when Lambda stops the invocation; undefined without a Lambda context (unit tests). */
  readonly deadline: number | undefined
  /** Set when the last-gasp timer fired. */
  timedOut: boolean
}

/**
 * A sink (metrics, Sentry, X-Ray…) as a small object. Every hook is optional and may not throw into the
 * invocation: failures are reported once and ignored.
 */
export interface Plugin {
  readonly name: string
  /** Synchronous and cheap: runs before the handler, inside its context. */
  onInvoke?(invocation: Invocation): void
  /**
   * The handler (or a batch record, whose context is `scope`) failed with `error`. Fields returned here
   * (a Sentry event id, say) go on the error's log line.
   */
  onError?(
    error: unknown,
    invocation: Invocation,
    scope: CorrelationContext,
  ): Record<string, unknown> | undefined | void
  /** The last-gasp timer fired: the invocation is about to time out. */
  onTimeout?(invocation: Invocation): void
  /**
   * The handler succeeded with `result` (before the flush): for sinks that count what a result reports,
   * such as a partial batch response's `batchItemFailures`. Read it; never change it.
   */
  onResult?(result: unknown, invocation: Invocation): void
  /**
   * Sends what was recorded, finishing by `deadline` (epoch ms). Return nothing (not a promise) when there
   * is nothing to send: the pipeline then starts no timer and does no I/O.
   */
  flush?(deadline: number, invocation: Invocation): PromiseLike<unknown> | undefined | void
}

export type ReportFailure = (plugin: Plugin, hook: string, error: unknown) => void

/** Calls `onError`/`onInvoke`-style hooks, containing any failure. */
export function callHook(
  plugins: readonly Plugin[],
  hook: 'onInvoke' | 'onTimeout',
  inv: Invocation,
  report: ReportFailure,
): void {
  for (const plugin of plugins) {
    const fn = plugin[hook]
    if (fn === undefined) continue
    try {
      fn.call(plugin, inv)
    } catch (err) {
      report(plugin, hook, err)
    }
  }
}

export function callOnResult(
  plugins: readonly Plugin[],
  result: unknown,
  inv: Invocation,
  report: ReportFailure,
): void {
  for (const plugin of plugins) {
    if (plugin.onResult === undefined) continue
    try {
      plugin.onResult(result, inv)
    } catch (err) {
      report(plugin, 'onResult', err)
    }
  }
}

export function callOnError(
  plugins: readonly Plugin[],
  error: unknown,
  inv: Invocation,
  scope: CorrelationContext,
  report: ReportFailure,
): Record<string, unknown> | undefined {
  let fields: Record<string, unknown> | undefined
  for (const plugin of plugins) {
    if (plugin.onError === undefined) continue
    try {
      const r = plugin.onError(error, inv, scope)
      if (r !== null && typeof r === 'object') fields = Object.assign(fields ?? {}, r)
    } catch (err) {
      report(plugin, 'onError', err)
    }
  }
  return fields
}

/**
 * Flushes every plugin concurrently, bounded by `budgetMs`. Resolves (never rejects) when all are done or
 * the budget is spent; returns undefined — no promise, no timer — when no plugin had anything to send.
 */
export function flushAll(
  plugins: readonly Plugin[],
  inv: Invocation,
  budgetMs: number,
  report: ReportFailure,
): Promise<void> | undefined {
  let pending: Array<PromiseLike<unknown>> | undefined
  const deadline = Date.now() + Math.max(0, budgetMs)
  for (const plugin of plugins) {
    if (plugin.flush === undefined) continue
    try {
      const r = plugin.flush(deadline, inv)
      if (r != null && typeof (r as PromiseLike<unknown>).then === 'function') {
        ;(pending ??= []).push(Promise.resolve(r).catch((err: unknown) => report(plugin, 'flush', err)))
      }
    } catch (err) {
      report(plugin, 'flush', err)
    }
  }
  if (pending === undefined) return undefined
  if (budgetMs <= 0) return Promise.resolve()
  const all = pending
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, budgetMs)
    void Promise.all(all).then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
