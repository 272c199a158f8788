export { type CapturedIds, captureIds, withIds } from './capture.js'
export {
  type AwsClientDiagnostics,
  getAwsClientDiagnostics,
  resetAwsClientDiagnostics,
  type SkipReason,
  type WarnLogger,
} from './diagnostics.js'
export {
  type InstrumentableClient,
  type InstrumentOptions,
  instrument,
  instrumentedOperations,
  MIDDLEWARE_NAME,
} from './instrument.js'
export { awsLimits } from './limits.js'
export { XRAY_HEADER_MIDDLEWARE_NAME, XRAY_MIDDLEWARE_NAME } from './xray.js'
