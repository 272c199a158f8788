export {
  type Carrier,
  type ClientContext,
  ENVELOPE_KEY,
  type Extracted,
  extract,
  type HeaderMap,
  httpHeaders,
  inject,
  jsonEnvelope,
  lambdaClientContext,
  type PublishAttributes,
  publishAttributes,
  type SnsEventAttributes,
  type SqsEventAttributes,
  snsEventAttributes,
  snsPublishAttributes,
  sqsEventAttributes,
  sqsSendAttributes,
  unwrapJson,
  wrapJson,
} from './carriers.js'
export {
  type ContextInit,
  type CorrelationContext,
  childContext,
  correlationIds,
  createContext,
  type EventSource,
  getContext,
  type LambdaInfo,
  setCorrelationId,
  tryGetContext,
  withContext,
} from './context.js'
export { type Diagnostics, getDiagnostics, resetDiagnostics } from './diagnostics.js'
export { codes, type ErrorCode, invalidOption, SightlineError } from './errors.js'
export {
  detectSource,
  type ExtractOptions,
  extractFromEvent,
  extractFromRecord,
  invocationTraceHeader,
  type LambdaContextLike,
  type RecordScope,
} from './extract.js'
export {
  CHAIN_KEY,
  DEBUG_KEY,
  ID_PREFIX,
  type Ids,
  isIdKey,
  isSafeValue,
  limits,
  normalizeKey,
  PACKED_KEY,
  PRIMARY_ID,
} from './ids.js'
export { formatTraceHeader, parseTraceHeader, type TraceHeader } from './trace.js'
