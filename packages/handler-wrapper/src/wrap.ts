import {
  type CorrelationContext,
  codes,
  extractFromEvent,
  invalidOption,
  type LambdaContextLike,
  SightlineError,
  withContext,
} from '@sightline/correlation'
import { logger as defaultLogger, type Logger, type Redaction, redaction } from '@sightline/logger'

import { attach, type Runtime, reportFailure } from './invocation.js'
import { positive, sampleRate } from './options.js'
import { callHook, callOnResult, flushAll, type Invocation, type Plugin } from './plugins.js'

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')

export interface WrapOptions {
  /** Sinks flushed after every invocation (metrics, Sentry, …). */
  readonly plugins?: readonly Plugin[]
  /** Upper bound on the post-invocation flush. Also bounded by the remaining time less `safetyMarginMs`. */
  readonly flushBudgetMs?: number
  /** Time kept free before the deadline when flushing. */
  readonly safetyMarginMs?: number
  /** How long before the deadline the last-gasp timer fires (at most a tenth of the invocation's time). */
  readonly lastGaspMs?: number
  /** Share of invocations logged at debug level when no upstream decision arrived. Default: `SIGHTLINE_DEBUG_SAMPLE_RATE` or 0. */
  readonly debugSampleRate?: number
  /** Loop guard: fail fast with `ERR_SIGHTLINE_CALL_CHAIN_TOO_LONG` past this many hops. Off by default. */
  readonly maxCallChainLength?: number
  /** Short-circuits warm-up pings before the handler. Default: serverless-plugin-warmup's `source`. */
  readonly isWarmup?: (event: unknown) => boolean
  /** What a warm-up ping returns. */
  readonly warmupResponse?: unknown
  /** The logger for the wrapper's own lines (error, last gasp). Default: `@sightline/logger`'s. */
  readonly logger?: Logger
  /** Added to the default redaction used for the event summary on error lines. */
  readonly redact?: Partial<Redaction>
  /** Where settings that may come from the environment are read, once, when `wrap` is called. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

type Ctx = LambdaContextLike & { getRemainingTimeInMillis?: () => number }
export type AsyncHandler<E = any, R = any, C = any> = (event: E, context: C) => Promise<R> | R
export type CallbackHandler<E = any, R = any, C = any> = (
  event: E,
  context: C,
  // `any`: users type their callback's result parameter as they like (`(err, r: Response) => void`).
  callback: (error?: any, result?: any) => void,
) => void | Promise<R>
export type StreamingHandler<E = any, S = any, C = any> = (
  event: E,
  responseStream: S,
  context: C,
) => Promise<unknown>

const COLD = Symbol.for('sightline.coldStart.v1')
const state = globalThis as { [COLD]?: boolean }

/** True once per process, on its first invocation; never under provisioned concurrency. */
function takeColdStart(provisioned: boolean): boolean {
  if (state[COLD] === false) return false
  state[COLD] = false
  return !provisioned
}

const isWarmupPing = (event: unknown): boolean =>
  event !== null &&
  typeof event === 'object' &&
  (event as { source?: unknown }).source === 'serverless-plugin-warmup'

/**
 * Instruments a Lambda handler: the invocation's context (IDs, trace header, Lambda context) is open for
 * everything the handler does, plugins are flushed within the budget before the result is returned, and
 * the caller gets the handler's own value or error object, whatever telemetry did.
 *
 * Returns an async function of two parameters (nodejs24.x refuses three); a callback-style handler is
 * called with a callback of ours. A streaming handler stays streaming.
 */
export function wrap<E = any, R = any, C = any>(
  handler: AsyncHandler<E, R, C> | CallbackHandler<E, R, C>,
  options?: WrapOptions,
): (event: E, context: C) => Promise<R>
export function wrap<E = any, S = any, C = any>(
  handler: StreamingHandler<E, S, C>,
  options?: WrapOptions,
): StreamingHandler<E, S, C>
export function wrap(handler: Function, options: WrapOptions = {}): Function {
  if (typeof handler !== 'function') invalidOption('handler', 'a function', handler)
  const env = options.env ?? process.env
  const plugins = options.plugins ?? []
  for (const p of plugins) {
    if (p === null || typeof p !== 'object' || typeof p.name !== 'string')
      invalidOption('plugins[]', 'objects with a `name`', p)
  }
  const flushBudgetMs = positive('flushBudgetMs', options.flushBudgetMs, 1000)
  const safetyMarginMs = positive('safetyMarginMs', options.safetyMarginMs, 50)
  const lastGaspMs = positive('lastGaspMs', options.lastGaspMs, 500)
  const maxChain = options.maxCallChainLength
  if (maxChain !== undefined) positive('maxCallChainLength', maxChain, 0)
  const debugSampleRate = sampleRate(options.debugSampleRate, env)
  const provisioned = env.AWS_LAMBDA_INITIALIZATION_TYPE === 'provisioned-concurrency'
  const isWarmup = options.isWarmup ?? isWarmupPing
  const warmupResponse = options.warmupResponse ?? 'warmed'
  const logger = options.logger ?? defaultLogger
  const reported = new Set<string>()
  const runtime: Runtime = {
    plugins,
    logger,
    redaction: redaction(options.redact),
    report(plugin, hook, error) {
      const key = `${plugin.name}:${hook}`
      if (reported.has(key)) return
      reported.add(key)
      try {
        logger.warn(
          { plugin: plugin.name, hook, err: error },
          `sightline plugin ${plugin.name} failed in ${hook}; ignored`,
        )
      } catch {}
    },
  }
  const extractOptions = { debugSampleRate, coldStart: false }

  const budget = (inv: Invocation): number =>
    inv.deadline === undefined
      ? flushBudgetMs
      : Math.min(flushBudgetMs, inv.deadline - Date.now() - safetyMarginMs)

  function lastGasp(inv: Invocation): void {
    inv.timedOut = true
    const remainingMs = inv.deadline === undefined ? undefined : inv.deadline - Date.now()
    try {
      logger.warn({ elapsedMs: Date.now() - inv.startedAt, remainingMs }, 'invocation is about to time out')
    } catch {}
    callHook(plugins, 'onTimeout', inv, runtime.report)
    void flushAll(plugins, inv, budget(inv), runtime.report)
  }

  async function run(
    ctx: CorrelationContext,
    event: unknown,
    lc: Ctx | undefined,
    call: () => unknown,
  ): Promise<unknown> {
    const remaining =
      typeof lc?.getRemainingTimeInMillis === 'function' ? lc.getRemainingTimeInMillis() : undefined
    const startedAt = ctx.startedAt
    const inv: Invocation = {
      context: ctx,
      event,
      lambdaContext: lc,
      startedAt,
      deadline: typeof remaining === 'number' && remaining > 0 ? startedAt + remaining : undefined,
      timedOut: false,
    }
    attach(ctx, inv, runtime)
    if (plugins.length > 0) callHook(plugins, 'onInvoke', inv, runtime.report)
    let timer: NodeJS.Timeout | undefined
    if (inv.deadline !== undefined) {
      const margin = Math.min(lastGaspMs, (remaining as number) / 10)
      timer = setTimeout(lastGasp, (remaining as number) - margin, inv)
      timer.unref()
    }
    let result: unknown
    try {
      if (maxChain !== undefined && ctx.callChainLength > maxChain) {
        throw new SightlineError(
          codes.CALL_CHAIN_TOO_LONG,
          `call-chain-length ${ctx.callChainLength} exceeds maxCallChainLength ${maxChain}: refusing to run (a loop?)`,
        )
      }
      result = await call()
    } catch (error) {
      if (timer !== undefined) clearTimeout(timer)
      reportFailure(error, inv, runtime, ctx, 'invocation failed')
      const flushing = flushAll(plugins, inv, budget(inv), runtime.report)
      if (flushing !== undefined) await flushing
      throw error
    }
    if (timer !== undefined) clearTimeout(timer)
    if (plugins.length > 0) {
      callOnResult(plugins, result, inv, runtime.report)
      const flushing = flushAll(plugins, inv, budget(inv), runtime.report)
      if (flushing !== undefined) await flushing
    }
    return result
  }

  function open(event: unknown, lc: unknown): CorrelationContext {
    extractOptions.coldStart = takeColdStart(provisioned)
    return extractFromEvent(event, lc as Ctx | undefined, extractOptions)
  }

  const marker = (handler as unknown as Record<symbol, unknown>)[STREAMING]
  if (marker !== undefined) {
    const streaming = async function sightlineStreamingHandler(event: unknown, stream: unknown, lc: unknown) {
      if (isWarmup(event)) return warmupResponse
      const ctx = open(event, lc)
      return withContext(ctx, () => run(ctx, event, lc as Ctx, () => handler(event, stream, lc)))
    }
    // Keep the runtime's markers (streaming, high-water mark…) so the runtime still streams.
    for (const sym of Object.getOwnPropertySymbols(handler)) {
      ;(streaming as unknown as Record<symbol, unknown>)[sym] = (
        handler as unknown as Record<symbol, unknown>
      )[sym]
    }
    return streaming
  }

  const call = handler.length >= 3 ? callbackCall(handler as CallbackHandler) : undefined
  return async function sightlineHandler(event: unknown, lc: unknown) {
    if (isWarmup(event)) return warmupResponse
    const ctx = open(event, lc)
    return withContext(ctx, () =>
      run(ctx, event, lc as Ctx, call ? () => call(event, lc) : () => handler(event, lc)),
    )
  }
}

/** Runs a callback-style handler with our own callback; whichever of callback or returned promise settles first wins. */
function callbackCall(handler: CallbackHandler): (event: unknown, lc: unknown) => Promise<unknown> {
  return (event, lc) =>
    new Promise((resolve, reject) => {
      const callback = (error?: unknown, result?: unknown) => {
        if (error !== undefined && error !== null) reject(error)
        else resolve(result)
      }
      const returned = handler(event, lc, callback)
      if (
        returned !== undefined &&
        returned !== null &&
        typeof (returned as Promise<unknown>).then === 'function'
      ) {
        ;(returned as Promise<unknown>).then(resolve, reject)
      }
    })
}
