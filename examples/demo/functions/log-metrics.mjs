// log-metrics: the metrics processor, subscribed to the other functions' log groups with the filter
// "MONITORING|". It turns those lines into PutMetricData calls (endpoint from AWS_ENDPOINT_URL_CLOUDWATCH).
import { wrap } from '@sightline/handler-wrapper'
import { createLogMetricsHandler } from '@sightline/metrics/processor'

export const handler = wrap(createLogMetricsHandler({ namespace: 'SightlineDemo' }))
