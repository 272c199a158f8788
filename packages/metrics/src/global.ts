import type { Tags } from './tags.js'

/**
 * The process-global entry point other Sightline packages record through without depending on this one
 * (the HTTP client records `http.client.duration` and `http.client.requests`):
 * `globalThis[Symbol.for('sightline.metrics.v1')]?.histogram(name, value, tags)`.
 */
export interface MetricsHook {
  histogram(name: string, value: number, tags?: Tags): void
  count(name: string, value?: number, tags?: Tags): void
}

export const HOOK = Symbol.for('sightline.metrics.v1')
const g = globalThis as { [HOOK]?: MetricsHook }

/** `createMetrics` replaces the hook; the lazily made default instance only fills it when empty. */
export function register(target: MetricsHook, replace: boolean): void {
  if (!replace && g[HOOK] !== undefined) return
  g[HOOK] = {
    histogram: (name, value, tags) => target.histogram(name, value, tags),
    count: (name, value, tags) => target.count(name, value, tags),
  }
}
