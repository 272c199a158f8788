// Bundled by test/bundle.test.ts as a user would for Lambda, from the BUILT packages.
import { wrap } from '@sightline/handler-wrapper'
import { createMetrics } from '@sightline/metrics'
import { createLogMetricsHandler } from '@sightline/metrics/processor'

const metrics = createMetrics()

export const handler = wrap(
  async () => {
    metrics.count('bundled.calls', 1, { format: process.env.FORMAT })
    return 'ok'
  },
  { plugins: [metrics.plugin()] },
)

export const processor = createLogMetricsHandler({ namespace: 'Bundled', client: { send: async () => ({}) } })
