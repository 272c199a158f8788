// Powertools for AWS Lambda: Logger + Metrics + Tracer (tracing off) through their middy middlewares.
import { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware'
import { Tracer } from '@aws-lambda-powertools/tracer'
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware'
import middy from '@middy/core'
import { correlationIdOf, ok } from './shared.mjs'

const logger = new Logger({ serviceName: 'orders' })
const metrics = new Metrics({ namespace: 'bench', serviceName: 'orders' })
const tracer = new Tracer({ serviceName: 'orders', enabled: false })

export const handler = middy(async (event) => {
  logger.setCorrelationId(correlationIdOf(event))
  logger.info('order placed', { path: event.path })
  metrics.addMetric('ordersPlaced', MetricUnit.Count, 1)
  return ok()
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
