import { type CorrelationContext, invalidOption, tryGetContext } from '@sightline/correlation'
import pino, { type Logger, type LoggerOptions, stdSerializers } from 'pino'
import { bufferLine } from './buffer.js'
import { type LevelName, levelValues, resolveLevel } from './level.js'
import { writeLine } from './output.js'
import { pinoRedactPaths, type Redaction, redaction } from './redact.js'

export interface SightlineLoggerOptions {
  /** Default: `LOG_LEVEL`, then `AWS_LAMBDA_LOG_LEVEL`, then `info`. */
  readonly level?: LevelName
  /** A `service` field on every line. */
  readonly service?: string
  /**
   * Hold lines below the active level (down to `level`) per invocation, up to `maxBytes`, and write them
   * only when the invocation fails. Off by default.
   */
  readonly debugBuffer?: { readonly level?: LevelName; readonly maxBytes?: number } | boolean
  /** Added to the default redaction (Authorization, cookies, API keys). */
  readonly redact?: Partial<Redaction>
  /** Passed to pino as is, for what Sightline has no opinion on (serializers, messageKey, …). */
  readonly pino?: Omit<LoggerOptions, 'level' | 'hooks' | 'redact'>
}

type Env = Readonly<Record<string, string | undefined>>

const FRAGMENT = Symbol('sightline.logger.fragment')
const FRAGMENT_REV = Symbol('sightline.logger.fragmentRevision')
type Cached = CorrelationContext & { [FRAGMENT]?: string; [FRAGMENT_REV]?: number }

const q = JSON.stringify

/**
 * The context's fields as a JSON fragment, built once per context (and again only after an ID changes):
 * each line then costs one string concatenation, not a mixin object to merge and serialise.
 */
export function contextFragment(ctx: CorrelationContext): string {
  const c = ctx as Cached
  const cached = c[FRAGMENT]
  if (cached !== undefined && c[FRAGMENT_REV] === ctx.revision) return cached
  let s = ''
  for (const key in ctx.ids) s += `,${q(key)}:${q(ctx.ids[key])}`
  if (ctx.awsRequestId !== undefined) s += `,"awsRequestId":${q(ctx.awsRequestId)}`
  if (ctx.trace?.root !== undefined) s += `,"traceId":${q(ctx.trace.root)}`
  const l = ctx.lambda
  if (l !== undefined) {
    if (l.functionName !== undefined) s += `,"function_name":${q(l.functionName)}`
    if (l.functionVersion !== undefined) s += `,"function_version":${q(l.functionVersion)}`
    if (l.memoryLimitInMB !== undefined) s += `,"function_memory_size":${l.memoryLimitInMB}`
    s += `,"cold_start":${l.coldStart}`
  }
  if (ctx.debug) s += ',"debug-log-enabled":true'
  c[FRAGMENT] = s
  c[FRAGMENT_REV] = ctx.revision
  return s
}

const { chindingsSym } = pino.symbols
const DEBUG = levelValues.debug

/**
 * A pino logger that stamps the current Sightline context on every line and applies the level per call
 * from that context: a debug-sampled invocation logs at debug without touching any global level, so it
 * cannot leak into the next invocation. pino's own `level` is the floor it filters at (at most `debug`).
 */
export function createLogger(options: SightlineLoggerOptions = {}, env: Env = process.env): Logger {
  const { level: configuredName, warning } = resolveLevel(options.level, env)
  const configured = levelValues[configuredName]
  const buffering = options.debugBuffer !== undefined && options.debugBuffer !== false
  const bufferOpts = typeof options.debugBuffer === 'object' ? options.debugBuffer : {}
  const bufferLevel = levelValues[bufferOpts.level ?? 'debug']
  const maxBytes = bufferOpts.maxBytes ?? 64 * 1024
  if (!(maxBytes > 0)) invalidOption('debugBuffer.maxBytes', 'a positive number', maxBytes)
  const floor = Math.min(configured, DEBUG, buffering ? bufferLevel : DEBUG)
  const floorName = (Object.keys(levelValues) as LevelName[]).find((k) => levelValues[k] === floor) ?? 'debug'

  // Set while pino serialises a line that belongs in a debug buffer rather than on stdout.
  let bufferInto: CorrelationContext | undefined
  const destination = {
    write(line: string) {
      if (bufferInto === undefined) writeLine(line)
      else bufferLine(bufferInto, line, maxBytes)
    },
  }

  function logMethod(this: Logger, args: Parameters<Logger['info']>, method: Function, level: number): void {
    const ctx = tryGetContext()
    const own = this.levelVal
    // A level set later by the user (logger.level = 'warn', or a child's own level) is the configured one.
    const base = own === floor ? configured : own
    const threshold = ctx?.debug === true && base > DEBUG ? DEBUG : base
    if (level < threshold) {
      if (!buffering || ctx === undefined || level < bufferLevel) return
      bufferInto = ctx
    }
    if (ctx === undefined) {
      method.apply(this, args)
      return
    }
    const logger = this as unknown as Record<symbol, string>
    const saved = logger[chindingsSym]!
    logger[chindingsSym] = saved + contextFragment(ctx)
    try {
      method.apply(this, args)
    } finally {
      logger[chindingsSym] = saved
      bufferInto = undefined
    }
  }

  const redactConfig = redaction(options.redact)
  const logger = pino(
    {
      base: options.service === undefined ? null : { service: options.service },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.errWithCause, error: stdSerializers.errWithCause },
      ...options.pino,
      level: floorName,
      redact: { paths: pinoRedactPaths(redactConfig), censor: redactConfig.censor },
      hooks: { logMethod },
    },
    destination,
  )
  if (warning !== undefined) logger.warn(warning)
  return logger
}
