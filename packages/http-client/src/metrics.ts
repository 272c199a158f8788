import { hostTag } from './hosts.js'
import { httpClientCodes, report } from './report.js'

/**
 * The recorder `@sightline/metrics` installs at `globalThis[Symbol.for('sightline.metrics.v1')]`. The two
 * packages never import each other: this global is the whole contract.
 */
export interface MetricsHook {
  histogram(name: string, value: number, tags?: Record<string, string>): void
  count(name: string, value?: number, tags?: Record<string, string>): void
}

export const METRICS_KEY = Symbol.for('sightline.metrics.v1')
export const DURATION_METRIC = 'http.client.duration'
export const REQUESTS_METRIC = 'http.client.requests'

/** The installed recorder, looked up per request (it may be installed after this module loads). */
export function metricsHook(): MetricsHook | undefined {
  const hook = (globalThis as { [METRICS_KEY]?: Partial<MetricsHook> })[METRICS_KEY]
  if (hook === undefined || hook === null) return undefined
  return typeof hook.histogram === 'function' && typeof hook.count === 'function'
    ? (hook as MetricsHook)
    : undefined
}

/** `2xx`, `4xx`, …; `error` when no response came (network error, timeout, abort). */
export function statusClass(status: unknown): string {
  return typeof status === 'number' && status >= 100 && status <= 599
    ? `${Math.floor(status / 100)}xx`
    : 'error'
}

export interface Outcome {
  readonly url: string
  readonly method: string
  readonly startedAt: number
  readonly status: unknown
}

/** Records one request: latency (ms) and a count, tagged by host, method and status class, never the path. */
export function recordRequest(hook: MetricsHook, { url, method, startedAt, status }: Outcome): void {
  try {
    const tags = { host: hostTag(url), method: method.toUpperCase(), status_class: statusClass(status) }
    hook.histogram(DURATION_METRIC, performance.now() - startedAt, tags)
    hook.count(REQUESTS_METRIC, 1, tags)
  } catch (error) {
    report(httpClientCodes.METRICS_HOOK_FAILED, error)
  }
}
