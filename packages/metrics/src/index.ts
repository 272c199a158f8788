export { defaultTags, type Env } from './config.js'
export type { Datum, Sink } from './datum.js'
export { metrics } from './default.js'
export {
  getMetricsDiagnostics,
  type MetricsDiagnostics,
  resetMetricsDiagnostics,
} from './diagnostics.js'
export { EMF_MAX_METRICS, EMF_MAX_VALUES, type EmfOptions, emf } from './emf.js'
export { type MetricsErrorCode, metricsCodes } from './errors.js'
export { HOOK, type MetricsHook } from './global.js'
export { looksLikeIdentifier } from './identifier.js'
export { formatLine, type MetricType } from './line.js'
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js'
export { builtinMetrics, type InvocationLike, type MetricsPlugin } from './plugin.js'
export { MAX_TAGS, type TagPair, type TagSet, type Tags } from './tags.js'
export { type ShapeOptions, UNITS, type Unit } from './units.js'
