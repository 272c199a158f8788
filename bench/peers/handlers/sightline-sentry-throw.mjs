// Sightline with the Sentry plugin, failing: the event must reach the receiver before the call returns.
import { wrap } from '@sightline/handler-wrapper'
import { metrics } from '@sightline/metrics'
import { sentry } from '@sightline/sentry-lambda'

export const handler = wrap(
  async (_event) => {
    throw new Error('payment service rejected the order')
  },
  { plugins: [metrics.plugin(), sentry({ dsn: process.env.SENTRY_DSN })] },
)
