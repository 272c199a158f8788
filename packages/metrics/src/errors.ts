/** This package's stable codes (besides the core's `ERR_SIGHTLINE_INVALID_OPTION`); the README lists them. */
export const metricsCodes = Object.freeze({
  /** PutMetricData failed (the processor rethrows it so the subscription delivers again). */
  METRICS_SEND_FAILED: 'ERR_SIGHTLINE_METRICS_SEND_FAILED',
  /** The flush budget ran out before PutMetricData answered; the datums went out as lines. */
  METRICS_NO_TIME: 'ERR_SIGHTLINE_METRICS_NO_TIME',
  /** A subscription payload was not base64 of gzip of the CloudWatch Logs JSON; it was skipped. */
  METRICS_BAD_PAYLOAD: 'ERR_SIGHTLINE_METRICS_BAD_PAYLOAD',
  /** A metric, a tag or a value was dropped or folded (counted in `getMetricsDiagnostics()`). */
  METRICS_DROPPED: 'ERR_SIGHTLINE_METRICS_DROPPED',
} as const)

export type MetricsErrorCode = (typeof metricsCodes)[keyof typeof metricsCodes]
