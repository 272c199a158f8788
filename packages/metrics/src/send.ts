import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { SightlineError } from '@sightline/correlation'
import type { CloudWatchDatum } from './aggregate.js'
import { metricsCodes } from './errors.js'

/** What is needed of a CloudWatch client: `CloudWatchClient` fits, and so does a test double. */
export interface CloudWatchLike {
  send(command: PutMetricDataCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
])

export function isThrottling(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  const e = error as {
    name?: unknown
    $metadata?: { httpStatusCode?: unknown }
    $retryable?: { throttling?: unknown }
  }
  return (
    (typeof e.name === 'string' && THROTTLING.has(e.name)) ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  )
}

/** Kept free before the deadline, so a failed send is written as lines before the flush budget ends. */
export const MARGIN_MS = 10
/** The pause before the one retry after throttling, and the least time worth a retry after it. */
const BACKOFF_MS = 40
const MIN_ATTEMPT_MS = 50

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * One PutMetricData request, aborted at `deadline − 10 ms` and retried once after throttling when the
 * time left allows. Rejects with `ERR_SIGHTLINE_METRICS_NO_TIME` (out of time) or
 * `ERR_SIGHTLINE_METRICS_SEND_FAILED` (the service or the network refused), the SDK error as `cause`.
 */
export async function sendPutMetricData(
  client: CloudWatchLike,
  namespace: string,
  data: CloudWatchDatum[],
  deadline: number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const left = deadline - MARGIN_MS - Date.now()
    if (left <= 0) {
      throw new SightlineError(
        metricsCodes.METRICS_NO_TIME,
        'no time left to send metrics before the deadline',
      )
    }
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    // Raced rather than trusted to the SDK alone: the abort signal is only read once the SDK reaches its
    // HTTP handler, and work before that (config files, credentials) may wait on a busy libuv threadpool.
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(
          new SightlineError(metricsCodes.METRICS_NO_TIME, `PutMetricData did not answer within ${left} ms`),
        )
      }, left)
    })
    try {
      const sent = client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }), {
        abortSignal: controller.signal,
      })
      sent.catch(() => {}) // when the expiry wins, the SDK's later rejection is expected
      try {
        await Promise.race([sent, expiry])
      } finally {
        clearTimeout(timer)
      }
      return
    } catch (error) {
      if (controller.signal.aborted) {
        throw error instanceof SightlineError
          ? error
          : new SightlineError(
              metricsCodes.METRICS_NO_TIME,
              `PutMetricData did not answer within ${left} ms`,
              {
                cause: error,
              },
            )
      }
      const retry =
        attempt === 1 &&
        isThrottling(error) &&
        deadline - MARGIN_MS - Date.now() >= BACKOFF_MS + MIN_ATTEMPT_MS
      if (!retry) {
        throw new SightlineError(
          metricsCodes.METRICS_SEND_FAILED,
          `PutMetricData failed: ${describe(error)}`,
          {
            cause: error,
          },
        )
      }
      await sleep(BACKOFF_MS / 2 + Math.random() * BACKOFF_MS)
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
