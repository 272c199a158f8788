/**
 * This package's codes, on the warning line written (once per process and code) when telemetry fails at run
 * time. Configuration errors throw `ERR_SIGHTLINE_INVALID_OPTION` from `@sightline/correlation` instead.
 * The README lists them and a test checks the list.
 */
export const sentryCodes = Object.freeze({
  /** `@sentry/node` could not be loaded or initialised: events are dropped, the invocation carries on. */
  SDK_UNAVAILABLE: 'ERR_SIGHTLINE_SENTRY_SDK_UNAVAILABLE',
  /** An event was still unsent when the flush budget ran out (endpoint hanging or slow): request cut. */
  NOT_DELIVERED: 'ERR_SIGHTLINE_SENTRY_NOT_DELIVERED',
  /** The endpoint refused an event: a non-2xx answer (500, 413, 429 rate limit) or a network error. */
  REJECTED: 'ERR_SIGHTLINE_SENTRY_REJECTED',
} as const)

export type SentryErrorCode = (typeof sentryCodes)[keyof typeof sentryCodes]
