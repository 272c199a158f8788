import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { invalidOption } from '@sightline/correlation'
import { writeLine } from '@sightline/logger'
import { aggregate, type Entry, linesOf } from './aggregate.js'
import { batches } from './batches.js'
import type { Datum, Sink } from './datum.js'
import { bump } from './diagnostics.js'
import { validNamespace } from './namespace.js'
import { type CloudWatchLike, sendPutMetricData } from './send.js'
import { type ShapeOptions, shapeResolver } from './units.js'
import { rearm, warnOnce } from './warn.js'

export interface PutMetricDataOptions extends ShapeOptions {
  /** The CloudWatch namespace (not `AWS/…`). */
  readonly namespace: string
  /**
   * Default: a `CloudWatchClient({ maxAttempts: 1 })` made on the first send (region and credentials
   * from the environment). Give your own with `maxAttempts: 1` too: the sink retries throttling once
   * itself, within the flush budget, and an SDK that retries on its own would spend the budget.
   */
  readonly client?: CloudWatchLike
}

/**
 * A sink for `createMetrics({ sink })` that sends each invocation's metrics with PutMetricData during the
 * wrapper's flush: aggregated, in requests of at most 1,000 datums and 1 MB, sent at once, retried once
 * on throttling when the budget allows. What cannot be sent is written as MONITORING lines (nothing
 * lost), counted, and reported by one warning until a send succeeds again.
 */
export function putMetricData({ namespace, client, ...shape }: PutMetricDataOptions): Sink {
  validNamespace(namespace)
  if (client !== undefined && (client === null || typeof client.send !== 'function'))
    invalidOption('client', 'a CloudWatchClient', client)
  const shapeOf = shapeResolver(shape)
  let cw = client

  async function sendBatch(batch: Entry[], deadline: number): Promise<void> {
    try {
      cw ??= new CloudWatchClient({ maxAttempts: 1 })
      await sendPutMetricData(
        cw,
        namespace,
        batch.map((e) => e.datum),
        deadline,
      )
      rearm('putMetricData')
    } catch (error) {
      bump('failedSends')
      let lines = 0
      for (const entry of batch) {
        for (const line of linesOf(entry)) {
          writeLine(line)
          lines++
        }
      }
      bump('fallbackLines', lines)
      warnOnce(
        'putMetricData',
        `sightline metrics: PutMetricData failed; ${batch.length} datums written as MONITORING lines instead`,
        { err: error },
        (error as { code?: string }).code,
      )
    }
  }

  return {
    name: 'put-metric-data',
    send(datums: readonly Datum[], deadline: number) {
      const entries = aggregate(datums, shapeOf)
      if (entries.length === 0) return undefined
      return Promise.all(batches(entries, namespace).map((b) => sendBatch(b, deadline))).then(() => {})
    },
  }
}
