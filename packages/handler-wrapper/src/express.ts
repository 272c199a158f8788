import { AsyncResource } from 'node:async_hooks'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import {
  type CorrelationContext,
  createContext,
  extract,
  httpHeaders,
  invalidOption,
  PRIMARY_ID,
  tryGetContext,
  withContext,
} from '@sightline/correlation'
import {
  logger as defaultLogger,
  flushDebugBuffer,
  type Logger,
  type Redaction,
  redaction,
  redactValue,
} from '@sightline/logger'

import { invocationOf } from './invocation.js'
import { sampleRate } from './options.js'
import { callOnError } from './plugins.js'

/**
 * What the middleware reads of Express's `req`: Node's request plus `originalUrl`. Structural, so the
 * published types need neither `express` nor `@types/express`, and Express 4 and 5 both fit.
 */
export type RequestLike = IncomingMessage & { readonly originalUrl?: string }
export type NextLike = (err?: unknown) => void
export type Middleware = (req: RequestLike, res: ServerResponse, next: NextLike) => void
export type ErrorMiddleware = (err: unknown, req: RequestLike, res: ServerResponse, next: NextLike) => void

type Env = Readonly<Record<string, string | undefined>>

export interface CorrelationOptions {
  /**
   * Share of requests logged at debug level when no upstream decision arrived.
   * Default: `SIGHTLINE_DEBUG_SAMPLE_RATE`, else 0.
   */
  readonly debugSampleRate?: number
  /** One `request completed` line per request (method, path, status, durationMs). Default true. */
  readonly accessLog?: boolean
  /** The logger for the access line. Default: `@sightline/logger`'s. */
  readonly logger?: Logger
  /** Where `SIGHTLINE_DEBUG_SAMPLE_RATE` is read, once, when the middleware is created. */
  readonly env?: Env
}

export interface ErrorLoggerOptions {
  /** Default: `@sightline/logger`'s. */
  readonly logger?: Logger
  /** Added to the default redaction of the request headers on the error line. */
  readonly redact?: Partial<Redaction>
}

// The request's context, so a second correlation() (app and sub-app) and errorLogger find it even when
// some middleware in between lost the async context.
const CONTEXT = Symbol.for('sightline.express.context.v1')
type Tagged = RequestLike & { [CONTEXT]?: CorrelationContext }

/**
 * Opens a Sightline context per request and runs the rest of the chain inside it; sets `x-correlation-id`
 * on the response. Mount it first: IDs come from the `x-correlation-*` headers (unsafe ones are dropped),
 * or, under `wrap(serverless(app))`, from the Lambda event through the invocation's context.
 */
export function correlation({
  debugSampleRate,
  accessLog = true,
  logger = defaultLogger,
  env = process.env,
}: CorrelationOptions = {}): Middleware {
  const rate = sampleRate(debugSampleRate, env)
  if (typeof accessLog !== 'boolean') invalidOption('accessLog', 'a boolean', accessLog)

  return function sightlineCorrelation(req, res, next) {
    const tagged = req as Tagged
    const existing = tagged[CONTEXT]
    if (existing !== undefined) return withContext(existing, next)
    const ctx = contextFor(req, rate)
    tagged[CONTEXT] = ctx
    const id = ctx.ids[PRIMARY_ID]
    if (id !== undefined && !res.headersSent) res.setHeader(PRIMARY_ID, id)
    withContext(ctx, () => {
      bindEvents(req)
      bindEvents(res)
      if (accessLog) logWhenDone(req, res, ctx, logger)
      next()
    })
  }
}

function contextFor(req: RequestLike, rate: number): CorrelationContext {
  const open = tryGetContext()
  // Under wrap() with serverless-http or serverless-express the invocation's context is open: its IDs
  // came from the Lambda event and its plugins flush at the end. An 'http' context is another request's,
  // leaked into this connection (a server started inside a request): never reuse that one.
  if (open !== undefined && open.source !== 'http') return open
  const { ids, debug, callChainLength } = extract(req.headers, httpHeaders)
  return createContext({
    ids,
    traceHeader: httpHeaders.get(req.headers, 'x-amzn-trace-id'),
    debug: debug ?? (rate > 0 && Math.random() < rate),
    callChainLength: (callChainLength ?? 0) + 1,
    source: 'http',
  })
}

/**
 * Node emits a request's 'data'/'end' and a response's 'finish'/'close' from the socket's callbacks, in
 * the connection's async context, not the request's: a hand-written body reader calling next() on 'end',
 * or a user's res.on('finish') logger, would run without IDs (raw-body, under express.json(), binds its
 * own callback; most code does not). Binding this instance's emit to the current async context (all
 * AsyncLocalStorage stores, not only ours) covers listeners added before and after, and leaves on, once
 * and removeListener untouched.
 */
function bindEvents(emitter: IncomingMessage | ServerResponse): void {
  emitter.emit = AsyncResource.bind(emitter.emit, 'SIGHTLINE_HTTP_REQUEST')
}

function pathOf(req: RequestLike): string {
  const url = req.originalUrl ?? req.url ?? ''
  const q = url.indexOf('?')
  // The query string is left out: it often carries tokens and it splits one route into many lines.
  return q < 0 ? url : url.slice(0, q)
}

function logWhenDone(req: RequestLike, res: ServerResponse, ctx: CorrelationContext, logger: Logger): void {
  const started = performance.now()
  let done = false
  const log = () => {
    if (done) return
    done = true
    const fields: Record<string, unknown> = {
      method: req.method,
      path: pathOf(req),
      status: res.statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    }
    // 'close' without end(): the client went away before the response was complete.
    if (!res.writableEnded) fields.aborted = true
    try {
      withContext(ctx, () => logger.info(fields, 'request completed'))
    } catch {
      // An access line must not turn into a failed request.
    }
  }
  res.once('finish', log)
  res.once('close', log)
}

// Errors already logged for this request: app and sub-app may both mount errorLogger. Kept per request,
// not per process, because apps throw shared error instances (a module-level NOT_FOUND) on every request.
const LOGGED = Symbol.for('sightline.express.logged.v1')
type Logged = RequestLike & { [LOGGED]?: unknown[] }

function firstTime(err: unknown, req: RequestLike): boolean {
  const seen = ((req as Logged)[LOGGED] ??= [])
  if (seen.includes(err)) return false
  seen.push(err)
  return true
}

function statusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown }
  const s = typeof status === 'number' ? status : statusCode
  return typeof s === 'number' ? s : undefined
}

/**
 * Logs the error once, with the request's IDs, then passes the same error object on with `next(err)`:
 * Express's own (or your) final handler still answers. Client errors (an `err.status` of 4xx, as
 * body-parser's 400 and 413) are a `warn` line; anything else is an `error` line, reported to the
 * plugins of the surrounding `wrap()` when there is one (Sentry, metrics).
 */
export function errorLogger({ logger = defaultLogger, redact }: ErrorLoggerOptions = {}): ErrorMiddleware {
  const config = redaction(redact)

  return function sightlineErrorLogger(err, req, _res, next) {
    try {
      if (firstTime(err, req)) {
        const ctx = (req as Tagged)[CONTEXT] ?? tryGetContext()
        const report = () => reportError(err, req, ctx, logger, config)
        if (ctx === undefined) report()
        else withContext(ctx, report)
      }
    } catch {
      // Logging must not replace the user's error with another one.
    }
    next(err)
  }
}

function reportError(
  err: unknown,
  req: RequestLike,
  ctx: CorrelationContext | undefined,
  logger: Logger,
  config: Redaction,
): void {
  const status = statusOf(err)
  const clientError = status !== undefined && status >= 400 && status < 500
  const fields: Record<string, unknown> = {}
  if (!clientError && ctx !== undefined) {
    const owner = invocationOf(ctx)
    if (owner !== undefined) {
      const { plugins, report } = owner.runtime
      Object.assign(fields, callOnError(plugins, err, owner.invocation, ctx, report))
    }
    flushDebugBuffer(ctx)
  }
  fields.err = err
  fields.req = redactValue({ method: req.method, path: pathOf(req), headers: req.headers }, config)
  if (clientError) logger.warn(fields, 'request failed')
  else logger.error(fields, 'request failed')
}
