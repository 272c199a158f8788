// Powertools for AWS Lambda: the same work through its manual (no middleware) API, as documented.
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { Tracer } from '@aws-lambda-powertools/tracer'
import { correlationIdOf, ok } from './shared.mjs'

const logger = new Logger({ serviceName: 'orders' })
const metrics = new Metrics({ namespace: 'bench', serviceName: 'orders' })
const tracer = new Tracer({ serviceName: 'orders', enabled: false })

export const handler = async (event, context) => {
  const segment = tracer.getSegment()
  const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER}`)
  if (subsegment) tracer.setSegment(subsegment)
  tracer.annotateColdStart()
  tracer.addServiceNameAnnotation()
  logger.addContext(context)
  logger.setCorrelationId(correlationIdOf(event))
  metrics.captureColdStartMetric()
  try {
    logger.info('order placed', { path: event.path })
    metrics.addMetric('ordersPlaced', MetricUnit.Count, 1)
    const response = ok()
    tracer.addResponseAsMetadata(response, process.env._HANDLER)
    return response
  } finally {
    metrics.publishStoredMetrics()
    if (segment && subsegment) {
      subsegment.close()
      tracer.setSegment(segment)
    }
  }
}
