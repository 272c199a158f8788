// aws-embedded-metrics: metricScope with one metric; the EMF document is its only line.
import { metricScope, Unit } from 'aws-embedded-metrics'
import { correlationIdOf, ok } from './shared.mjs'

export const handler = metricScope((metrics) => async (event, context) => {
  metrics.setProperty('awsRequestId', context.awsRequestId)
  metrics.setProperty('x-correlation-id', correlationIdOf(event))
  metrics.putMetric('ordersPlaced', 1, Unit.Count)
  return ok()
})
