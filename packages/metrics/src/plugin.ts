import type { CorrelationContext } from '@sightline/correlation'
import { getDiagnostics } from '@sightline/correlation'
import { getMetricsDiagnostics, type MetricsDiagnostics } from './diagnostics.js'
import type { Recorder } from './metrics.js'

/** The invocation as the wrapper hands it to plugins (structural: no dependency on the wrapper). */
export interface InvocationLike {
  readonly context: CorrelationContext
}

/** A `@sightline/handler-wrapper` Plugin. `onResult` is called by wrappers that support it. */
export interface MetricsPlugin {
  readonly name: 'sightline-metrics'
  onInvoke(invocation: InvocationLike): void
  onError(error: unknown, invocation: InvocationLike, scope: CorrelationContext): undefined
  onTimeout(invocation: InvocationLike): void
  onResult(result: unknown, invocation: InvocationLike): void
  flush(deadline: number, invocation: InvocationLike): PromiseLike<void> | undefined
}

/** The names of the built-in metrics. */
export const builtinMetrics = Object.freeze({
  coldStarts: 'sightline.lambda.cold_starts',
  errors: 'sightline.lambda.errors',
  timeouts: 'sightline.lambda.timeouts',
  batchItemFailures: 'sightline.lambda.batch_item_failures',
  telemetryDropped: 'sightline.telemetry.dropped',
  telemetryFailed: 'sightline.telemetry.failed',
})

// Counters reported as sightline.telemetry.dropped{kind}: the metrics package's and the core's.
const DROPPED: ReadonlyArray<readonly [keyof MetricsDiagnostics, string]> = [
  ['invalidValues', 'invalid_value'],
  ['invalidNames', 'invalid_name'],
  ['refusedTags', 'refused_tag'],
  ['droppedTags', 'dropped_tag'],
  ['foldedTagValues', 'folded_tag_value'],
  ['unsendableValues', 'unsendable_value'],
]
const CORE_DROPPED = [
  ['droppedIds', 'correlation_id'],
  ['droppedTraceEntries', 'trace_entry'],
  ['unreadableEnvelopes', 'envelope'],
] as const

function errorType(error: unknown): string {
  if (error instanceof Error) return error.name
  return error === null ? 'null' : typeof error
}

/**
 * Flushes the invocation's metrics within the wrapper's deadline (nothing — no promise, no timer — when
 * none were recorded) and records the built-in metrics: cold starts, errors by `error_type`, timeouts (at
 * the last gasp, flushed right away), batch item failures, and what telemetry dropped or failed to send
 * since the last invocation.
 */
export function createPlugin(recorder: Recorder): MetricsPlugin {
  const last = new Map<string, number>()
  // Failed batch records already counted through onError, per invocation, so onResult adds only the rest.
  const failedRecords = new WeakMap<InvocationLike, number>()

  const count = (name: string, value: number, scope: CorrelationContext, tags?: Record<string, string>) =>
    recorder.record('count', name, value, tags, 'Count', scope)

  function delta(key: string, now: number): number {
    const before = last.get(key) ?? 0
    last.set(key, now)
    return now > before ? now - before : 0
  }

  function reportTelemetry(scope: CorrelationContext): void {
    const mine = getMetricsDiagnostics()
    const core = getDiagnostics()
    for (const [counter, kind] of DROPPED) {
      const n = delta(counter, mine[counter])
      if (n > 0) count(builtinMetrics.telemetryDropped, n, scope, { kind })
    }
    for (const [counter, kind] of CORE_DROPPED) {
      const n = delta(counter, core[counter])
      if (n > 0) count(builtinMetrics.telemetryDropped, n, scope, { kind })
    }
    const failed = delta('failedSends', mine.failedSends)
    if (failed > 0) count(builtinMetrics.telemetryFailed, failed, scope, { kind: 'put_metric_data' })
  }

  return {
    name: 'sightline-metrics',
    onInvoke(inv) {
      recorder.open(inv.context)
      if (inv.context.lambda?.coldStart === true) count(builtinMetrics.coldStarts, 1, inv.context)
    },
    onError(error, inv, scope) {
      if (scope === inv.context) {
        count(builtinMetrics.errors, 1, inv.context, { error_type: errorType(error) })
      } else {
        failedRecords.set(inv, (failedRecords.get(inv) ?? 0) + 1)
        count(builtinMetrics.batchItemFailures, 1, inv.context)
      }
      return undefined
    },
    onTimeout(inv) {
      count(builtinMetrics.timeouts, 1, inv.context)
    },
    onResult(result, inv) {
      const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures
      if (!Array.isArray(failures)) return
      const rest = failures.length - (failedRecords.get(inv) ?? 0)
      if (rest > 0) count(builtinMetrics.batchItemFailures, rest, inv.context)
    },
    flush(deadline, inv) {
      reportTelemetry(inv.context)
      return recorder.flush(deadline, inv.context)
    },
  }
}
