import type { Attributes } from './attributes.js'

export interface DirectInvokeOptions {
  /** Correlation IDs as top-level members of the payload, where Sightline reads them on a direct invoke. */
  correlation?: Attributes
}

/**
 * The event of a direct `Invoke`: the payload, through JSON as the runtime delivers it. A member of the
 * payload wins over a `correlation` entry of the same name. IDs that travel in the invoke's client context
 * belong on the context instead: `fakeContext({ clientContext: { Custom: ids } })`.
 */
export function directInvokeEvent<T extends object>(
  payload: T,
  { correlation }: DirectInvokeOptions = {},
): T {
  return { ...correlation, ...(JSON.parse(JSON.stringify(payload)) as T) }
}
