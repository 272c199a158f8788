import { invalidOption } from '@sightline/correlation'

import { type WrapOptions, wrap } from './wrap.js'

/** What the adapter needs of `middy(fn)`: a Lambda handler with middy's chaining methods. */
export interface MiddyLike {
  (event: any, context: any, ...rest: any[]): unknown
  use(...args: any[]): unknown
}

const CHAIN = ['use', 'before', 'after', 'onError', 'handler'] as const

/**
 * `wrap()` for a middy handler, keeping it chainable: `withSightline(middy(fn)).use(a).use(b)` works in
 * either order, and every `.use()` lands on the same middy instance.
 *
 * Why not a middy middleware: a `before` hook can only set the context with `AsyncLocalStorage.enterWith`,
 * which leaks the IDs into the caller (the runtime's next invocation starts with the previous one's),
 * and on Node 24 (AsyncContextFrame) does not reach the handler at all once an earlier middleware has
 * awaited. The context has to be opened around middy, as `wrap()` does: every middleware (before, after,
 * onError) and the handler then run inside it, and plugins flush after middy's last `after`.
 */
export function withSightline<H extends MiddyLike>(handler: H, options: WrapOptions = {}): H {
  if (typeof handler !== 'function' || typeof handler.use !== 'function')
    invalidOption('handler', 'a middy handler (`middy(fn)`)', handler)
  const wrapped = wrap(handler, options)
  const methods = wrapped as unknown as Record<string, unknown>
  for (const name of CHAIN) {
    const method = (handler as unknown as Record<string, unknown>)[name]
    if (typeof method !== 'function') continue
    methods[name] = (...args: unknown[]) => {
      method.apply(handler, args)
      return wrapped
    }
  }
  return wrapped as unknown as H
}
