// Sightline: wrap() captures the IDs; one logger line and one metric line (MONITORING, at the call).
import { wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { metrics } from '@sightline/metrics'
import { ok } from './shared.mjs'

export const handler = wrap(
  async (event) => {
    logger.info({ path: event.path }, 'order placed')
    metrics.count('orders.placed', 1)
    return ok()
  },
  { plugins: [metrics.plugin()] },
)
