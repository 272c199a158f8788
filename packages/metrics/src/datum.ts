import type { MetricType } from './line.js'
import type { TagSet } from './tags.js'
import type { Unit } from './units.js'

/** One recorded value, as buffered sinks (EMF, PutMetricData) receive it. */
export interface Datum {
  readonly type: MetricType
  /** Clean: `[A-Za-z0-9_.]`, at most 200 characters. */
  readonly name: string
  /** Finite. */
  readonly value: number
  /** Clean and through the cardinality guard, default tags included. */
  readonly tags: TagSet
  /** Epoch ms of the call. */
  readonly timestamp: number
  /** A hint from the API (`time()` records Milliseconds); the sink's `units` option wins. */
  readonly unit: Unit | undefined
}

/**
 * Where buffered metrics go. `send` receives what one invocation (or, outside invocations, the process)
 * recorded, and finishes by `deadline` (epoch ms). It must not reject: a sink that cannot send writes
 * the datums as lines instead.
 */
export interface Sink {
  readonly name: string
  send(datums: readonly Datum[], deadline: number): PromiseLike<void> | undefined | void
}
