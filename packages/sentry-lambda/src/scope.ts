import type { SentryRuntime } from './runtime.js'
import { state } from './state.js'
import type { InvocationLike } from './tags.js'

/**
 * Gives the invocation an isolation scope of its own, forked from the process's default scope (never from
 * whatever scope the caller happens to be in), and entered for the rest of the synchronous call: the
 * wrapper calls `onInvoke` right before the handler, so the handler, everything it starts, and the flush
 * after it see that scope. Tags, breadcrumbs and the user the app sets go there and die with the
 * invocation, for sequential and for interleaved invocations alike. The invocation's own tags are added
 * to events when they are captured (`enrich` in runtime.ts): a successful invocation pays for the fork only.
 */
export function openScope(runtime: SentryRuntime, invocation: InvocationLike): void {
  const { sdk, storage } = runtime
  if (storage === undefined) return
  storage.enterWith(storage.exit(() => sdk.withIsolationScope(() => storage.getStore())))
  state.forked.add(invocation.context)
}
