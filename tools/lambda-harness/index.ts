export { functionArn, newTraceId } from './env.js'
export { HarnessError, type HarnessErrorCode } from './errors.js'
export {
  type EventKind,
  type InvokeOptions,
  type InvokeResult,
  type LambdaError,
  type LambdaFunction,
  type LogEntry,
  type StartOptions,
  startFunction,
  type WaitOptions,
} from './function.js'
export {
  isNodeAvailable,
  isRuntimeInstalled,
  type NodeVersion,
  nodeBinary,
  type RicVersion,
} from './paths.js'
