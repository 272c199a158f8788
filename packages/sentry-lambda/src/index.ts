export { newEventId } from './capture.js'
export { type Dsn, parseDsn } from './dsn.js'
export { type SentryErrorCode, sentryCodes } from './errors.js'
export {
  type ErrorMiddleware,
  initSentry,
  type RequestLike,
  type SentryService,
  sentryEventIdOf,
} from './express.js'
export type { SentryInitOptions, SentryOptions } from './options.js'
export { type SentryPlugin, sentry } from './plugin.js'
export { type Counters, getSentryDiagnostics } from './state.js'
export type { InvocationLike } from './tags.js'
