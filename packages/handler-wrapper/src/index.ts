export { type BatchItemFailure, type BatchOptions, type BatchResponse, processBatch } from './batch.js'
export type { Invocation, Plugin } from './plugins.js'
export { summarizeEvent } from './summary.js'
export {
  type AsyncHandler,
  type CallbackHandler,
  type StreamingHandler,
  type WrapOptions,
  wrap,
} from './wrap.js'
