export { type PutMetricDataOptions, putMetricData } from './put-metric-data-sink.js'
export { type CloudWatchLike, isThrottling } from './send.js'
