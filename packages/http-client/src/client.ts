import { invalidOption } from '@sightline/correlation'
import superagent from 'superagent'
import { type CorrelateOptions, correlate } from './correlate.js'

/** superagent's timeout: ms until the whole request is done, or `{ response, deadline }`. */
export type Timeout = number | { readonly response?: number; readonly deadline?: number }

export interface ClientOptions extends CorrelateOptions {
  /**
   * Default: first byte within 5 s, done within 10 s. Lambda functions often live with 3–30 s of
   * budget and superagent waits forever without one. Each request may still call `.timeout()`.
   */
  readonly timeout?: Timeout
}

export const defaultTimeout = Object.freeze({ response: 5_000, deadline: 10_000 })

/**
 * A superagent agent whose every request carries the current context (`correlate()`) and has a
 * timeout: `const http = createClient(); await http.get(url)`.
 */
export function createClient({ timeout = defaultTimeout, ...options }: ClientOptions = {}): superagent.Agent {
  checkTimeout(timeout)
  const plugin = correlate(options)
  return superagent.agent().use(plugin).timeout(timeout)
}

function checkTimeout(timeout: unknown): void {
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0
  if (positive(timeout)) return
  if (timeout !== null && typeof timeout === 'object' && !Array.isArray(timeout)) {
    const { response, deadline } = timeout as { response?: unknown; deadline?: unknown }
    const some = response !== undefined || deadline !== undefined
    if (
      some &&
      (response === undefined || positive(response)) &&
      (deadline === undefined || positive(deadline))
    )
      return
  }
  invalidOption('timeout', 'a positive number of ms or { response?, deadline? } in ms', timeout)
}
