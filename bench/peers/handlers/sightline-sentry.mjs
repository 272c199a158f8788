// Sightline with the Sentry plugin configured: nothing of Sentry loads until the first capture.
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { metrics } from '@sightline/metrics'
import { sentry } from '@sightline/sentry-lambda'
import { ok } from './shared.mjs'

export const handler = wrap(
  async (event) => {
    logger.info({ path: event.path }, 'order placed')
    metrics.count('orders.placed', 1)
    return ok()
  },
  { plugins: [metrics.plugin(), sentry({ dsn: process.env.SENTRY_DSN })] },
)
