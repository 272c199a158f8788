export { disableTracing, enableTracing, isTracing } from './enable.js'
export {
  type XrayMiddleware,
  type XrayMiddlewareOptions,
  type XrayRequest,
  xrayMiddleware,
} from './express.js'
export {
  type CallInfo,
  type CallResult,
  getHook,
  type OpenSegment,
  type SegmentRequest,
  startCall,
  type TracedCall,
  type TracedOptions,
  XRAY_KEY,
  type XrayHook,
} from './hook.js'
export { DEFAULT_DAEMON_ADDRESS, type Env, type TracingOptions } from './options.js'
export { type XrayPlugin, xrayPlugin } from './plugin.js'
export {
  getXrayDiagnostics,
  resetXrayDiagnostics,
  type XrayCode,
  type XrayDiagnostics,
  xrayCodes,
} from './report.js'
export { traced } from './traced.js'
