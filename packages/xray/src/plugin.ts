import { invalidOption } from '@sightline/correlation'
import { enableTracing } from './enable.js'
import { getHook } from './hook.js'
import type { TracingOptions } from './options.js'

/** The handler-wrapper plugin contract, structurally: this package does not depend on the wrapper. */
export interface XrayPlugin {
  readonly name: 'xray'
  flush(): PromiseLike<unknown> | undefined
}

/**
 * For `wrap(handler, { plugins: [xrayPlugin()] })`: turns tracing on (see `enableTracing`) and, after each
 * invocation, waits within the flush budget for the subsegments sent to leave the socket, then closes it,
 * so nothing is left in flight when Lambda freezes the sandbox. Subsegments are sent as each call ends.
 */
export function xrayPlugin(options: TracingOptions = {}): XrayPlugin {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  enableTracing(options)
  return {
    name: 'xray',
    flush: () => getHook()?.flush(),
  }
}
