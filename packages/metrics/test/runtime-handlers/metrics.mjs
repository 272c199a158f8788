// Wrapped handlers run by test/runtime.test.ts under the official runtime client. They import the BUILT
// packages (dist), as a deployed function would.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { wrap } from '@sightline/handler-wrapper'
import { createMetrics } from '@sightline/metrics'
import { putMetricData } from '@sightline/metrics/cloudwatch'

const metrics = createMetrics()
metrics.count('module.loaded')

/** MONITORING lines through the package, plus one written through console.log (the runtime prefixes it). */
export const linesHandler = wrap(
  async (event) => {
    metrics.count('orders.placed', 1, { channel: event.channel })
    metrics.histogram('order.amount', event.amount)
    metrics.gauge('bad.value', Number.NaN)
    console.log(`MONITORING|${Math.floor(Date.now() / 1000)}|1|count|console.metric|#via:console`)
    return 'ok'
  },
  { plugins: [metrics.plugin()] },
)

// PutMetricData to the endpoint the event names (the test's CloudWatch endpoint on 127.0.0.1).
const byEndpoint = new Map()
function metricsFor(endpoint) {
  let m = byEndpoint.get(endpoint)
  if (m === undefined) {
    const client = new CloudWatchClient({
      endpoint,
      region: process.env.AWS_REGION,
      maxAttempts: 1,
    })
    m = createMetrics({ sink: putMetricData({ namespace: 'Runtime', client }) })
    byEndpoint.set(endpoint, m)
  }
  return m
}
const sinkPlugin = {
  name: 'per-endpoint',
  onInvoke: (inv) => metricsFor(inv.event.endpoint).plugin().onInvoke(inv),
  flush: (deadline, inv) => metricsFor(inv.event.endpoint).plugin().flush(deadline, inv),
}
export const cloudwatchHandler = wrap(
  async (event) => {
    metricsFor(event.endpoint).count('orders.placed', event.count, { channel: 'web' })
    return 'sent'
  },
  { plugins: [sinkPlugin] },
)

// Two invocations at once (Managed Instances): each records, waits until the other arrived, records again.
export const overlappingHandler = wrap(
  async (event) => {
    const m = metricsFor(event.endpoint)
    m.count('before.barrier', 1, { invocation: event.id })
    const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}`
    const res = await fetch(`${api}/_test/barrier/${event.barrier}?parties=2&timeoutMs=20000`).then((r) =>
      r.json(),
    )
    m.count('after.barrier', 1, { invocation: event.id })
    return res.ok
  },
  { plugins: [sinkPlugin] },
)
