export {
  type CorrelationHeaders,
  correlationHeaders,
  type HeadersForOptions,
  headersFor,
  TRACE_HEADER,
} from './headers.js'
export type { Hosts } from './hosts.js'
export { DURATION_METRIC, METRICS_KEY, type MetricsHook, REQUESTS_METRIC } from './metrics.js'
export {
  getHttpClientDiagnostics,
  type HttpClientCode,
  type HttpClientDiagnostics,
  httpClientCodes,
  resetHttpClientDiagnostics,
} from './report.js'
