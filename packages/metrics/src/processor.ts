export {
  createLogMetricsHandler,
  type LogMetricsHandlerOptions,
  type ProcessorSummary,
} from './log-metrics-handler.js'
export { type ParsedLine, type ParsedMetric, parseLogMessage, payloadOf } from './parse.js'
export { type Decoded, decodeSubscription, type LogEvent, type LogsData } from './subscription.js'
