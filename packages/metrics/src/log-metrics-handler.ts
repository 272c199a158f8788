import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { invalidOption, SightlineError } from '@sightline/correlation'
import { aggregate, type Entry } from './aggregate.js'
import { batches } from './batches.js'
import type { Env } from './config.js'
import type { Datum } from './datum.js'
import { metricsCodes } from './errors.js'
import { validNamespace } from './namespace.js'
import { parseLogMessage } from './parse.js'
import { type CloudWatchLike, sendPutMetricData } from './send.js'
import { decodeSubscription } from './subscription.js'
import { type ShapeOptions, shapeResolver } from './units.js'
import { warn, warnOnce } from './warn.js'

export interface LogMetricsHandlerOptions extends ShapeOptions {
  /** The CloudWatch namespace the metrics are put in (not `AWS/…`). */
  readonly namespace: string
  /** Default: a `CloudWatchClient` with the SDK's standard retries, made on first use. */
  readonly client?: CloudWatchLike
  /** Where `AWS_LAMBDA_LOG_GROUP_NAME` (the processor's own log group, never processed) is read, once. */
  readonly env?: Env
}

/** What one invocation of the processor did. */
export interface ProcessorSummary {
  /** Log events in the payload. */
  logEvents: number
  /** MONITORING lines read as metrics. */
  metrics: number
  /** MONITORING lines that did not follow the grammar (skipped). */
  malformed: number
  /** Service checks (`check`), which are not metrics (skipped). */
  checks: number
  /** Metrics outside what CloudWatch accepts: older than 14 days, more than 2 hours ahead (skipped). */
  outOfRange: number
  /** Tags left out (bare, empty, repeated, past 30). */
  droppedTags: number
  /** Datums sent, and PutMetricData requests made. */
  datums: number
  requests: number
  /** Set when the whole payload was skipped. */
  skipped?: 'control-message' | 'bad-payload' | 'own-log-group'
  /** Decoded JSON bytes. */
  bytes: number
}

interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number
}

const DAY = 86_400_000
const PAST_MS = 14 * DAY - 60_000
const FUTURE_MS = 2 * 3_600_000 - 60_000
/** Kept free before the processor's own deadline; without a Lambda context, the time allowed to send. */
const MARGIN_MS = 500
const NO_CONTEXT_BUDGET_MS = 30_000

/**
 * A Lambda handler for CloudWatch Logs subscription events: finds the MONITORING lines (raw, behind the
 * console prefix, or in the Lambda JSON log format), aggregates them per type, name, tags and second, and
 * puts them with PutMetricData in batches. Malformed lines and bad payloads are skipped and counted, never
 * thrown. A failed send throws `ERR_SIGHTLINE_METRICS_SEND_FAILED`, so that the subscription delivers
 * the batch again: delivery is at least once (a retried batch may count twice).
 */
export function createLogMetricsHandler({
  namespace,
  client,
  env = process.env,
  ...shape
}: LogMetricsHandlerOptions): (event: unknown, context?: LambdaContextLike) => Promise<ProcessorSummary> {
  validNamespace(namespace)
  if (client !== undefined && (client === null || typeof client.send !== 'function'))
    invalidOption('client', 'a CloudWatchClient', client)
  const shapeOf = shapeResolver(shape)
  const ownLogGroup = env.AWS_LAMBDA_LOG_GROUP_NAME
  let cw = client

  return async function logMetricsHandler(event, context) {
    const summary: ProcessorSummary = {
      logEvents: 0,
      metrics: 0,
      malformed: 0,
      checks: 0,
      outOfRange: 0,
      droppedTags: 0,
      datums: 0,
      requests: 0,
      bytes: 0,
    }
    const decoded = decodeSubscription(event)
    if (!decoded.ok) {
      warn(`sightline metrics processor: skipped a subscription payload: ${decoded.reason}`, {
        code: metricsCodes.METRICS_BAD_PAYLOAD,
      })
      summary.skipped = 'bad-payload'
      return summary
    }
    const { data, bytes } = decoded
    summary.bytes = bytes
    if (data.messageType === 'CONTROL_MESSAGE') {
      summary.skipped = 'control-message'
      return summary
    }
    if (ownLogGroup !== undefined && data.logGroup === ownLogGroup) {
      warnOnce(
        'ownLogGroup',
        `sightline metrics processor: refusing its own log group ${ownLogGroup} (an infinite loop); ` +
          'remove that subscription',
        { code: metricsCodes.METRICS_BAD_PAYLOAD },
      )
      summary.skipped = 'own-log-group'
      return summary
    }
    const datums = read(data.logEvents, summary)
    const entries = aggregate(datums, shapeOf)
    const remaining = context?.getRemainingTimeInMillis?.()
    const deadline =
      Date.now() + (typeof remaining === 'number' ? remaining - MARGIN_MS : NO_CONTEXT_BUDGET_MS)
    cw ??= new CloudWatchClient({})
    for (const batch of batches(entries, namespace)) {
      try {
        await sendPutMetricData(cw, namespace, batch.map(datumOf), deadline)
      } catch (error) {
        throw new SightlineError(
          metricsCodes.METRICS_SEND_FAILED,
          `PutMetricData failed after ${summary.requests} successful requests; ` +
            'the subscription will deliver this batch again',
          { cause: error },
        )
      }
      summary.requests++
      summary.datums += batch.length
    }
    return summary
  }
}

const datumOf = (e: Entry) => e.datum

function read(
  events: readonly { message: string; timestamp?: number }[],
  summary: ProcessorSummary,
): Datum[] {
  const now = Date.now()
  const out: Datum[] = []
  summary.logEvents = events.length
  for (const event of events) {
    const parsed = parseLogMessage(event.message)
    if (parsed === undefined) continue
    if (!parsed.ok) {
      if (parsed.reason === 'check') summary.checks++
      else summary.malformed++
      continue
    }
    const m = parsed.metric
    summary.droppedTags += m.droppedTags
    const timestamp = m.epochSeconds * 1000
    if (timestamp < now - PAST_MS || timestamp > now + FUTURE_MS) {
      summary.outOfRange++
      continue
    }
    summary.metrics++
    out.push({
      type: m.type,
      name: m.name,
      value: m.value,
      tags: { pairs: m.tags, text: m.tagText },
      timestamp,
      unit: undefined,
    })
  }
  return out
}
