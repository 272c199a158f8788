import type { CorrelationContext } from '@sightline/correlation'
import { tryGetContext } from '@sightline/correlation'
import type { Datum } from './datum.js'

/** At most this many datums wait in one buffer; past it they are written as lines at once (nothing lost). */
export const MAX_BUFFERED = 10_000

/**
 * Buffered datums, per invocation: each invocation that the plugin opened has its own buffer, keyed on its
 * context (so concurrent invocations in one process never mix); a batch record's child context writes to
 * its invocation's. Everything recorded elsewhere (module scope, an Express request, after the invocation
 * flushed) waits in the process buffer, sent by the next flush of any kind.
 */
export interface Buffers {
  open(scope: CorrelationContext): void
  /** False when the buffer was full: the caller writes the datum as a line. */
  add(datum: Datum, scope?: CorrelationContext): boolean
  /** The scope's datums plus the process buffer's, and closes the scope; undefined when there are none. */
  take(scope?: CorrelationContext): Datum[] | undefined
}

export function createBuffers(onProcessBuffer: () => void): Buffers {
  const scopes = new WeakMap<CorrelationContext, Datum[]>()
  let shared: Datum[] = []

  function bufferOf(scope: CorrelationContext | undefined): Datum[] {
    for (let c = scope ?? tryGetContext(); c !== undefined; c = c.parent) {
      const own = scopes.get(c)
      if (own !== undefined) return own
    }
    return shared
  }

  return {
    open(scope) {
      if (!scopes.has(scope)) scopes.set(scope, [])
    },
    add(datum, scope) {
      const buffer = bufferOf(scope)
      if (buffer.length >= MAX_BUFFERED) return false
      buffer.push(datum)
      if (buffer === shared && shared.length === 1) onProcessBuffer()
      return true
    },
    take(scope) {
      let out: Datum[] | undefined
      if (scope !== undefined) {
        const own = scopes.get(scope)
        scopes.delete(scope)
        if (own !== undefined && own.length > 0) out = own
      }
      if (shared.length > 0) {
        out = out === undefined ? shared : out.concat(shared)
        shared = []
      }
      return out
    },
  }
}
