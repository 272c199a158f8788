import {
  type CorrelationContext,
  codes,
  invalidOption,
  SightlineError,
  tryGetContext,
} from '@sightline/correlation'
import pino, { type Logger, type LoggerOptions, stdSerializers } from 'pino'
import { bufferLine } from './buffer.js'
import { contextFragment } from './fragment.js'
import { type LevelName, levelValues, resolveLevel } from './level.js'
import { writeLine } from './output.js'
import { headerRedactor, type Redaction, redaction } from './redact.js'

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
  readonly pino?: Omit<LoggerOptions, 'level' | 'hooks' | 'redact' | 'transport'>
}

type Env = Readonly<Record<string, string | undefined>>

const { chindingsSym } = pino.symbols
const DEBUG = levelValues.debug
const SILENT = levelValues.silent
/** Set on a logger (and inherited by its children) once its level was set through pino's API. */
const EXPLICIT = Symbol('sightline.logger.explicitLevel')
type Flagged = Logger & { [EXPLICIT]?: boolean }

/**
 * A pino logger that stamps the current Sightline context on every line and applies the level per call
 * from that context: a debug-sampled invocation logs at debug without touching any global level, so it
 * cannot leak into the next invocation. pino's own level is the floor it filters at (at most `debug`);
 * `logger.level` and `isLevelEnabled` report the level in force for the current context.
 */
export function createLogger(options: SightlineLoggerOptions = {}, env: Env = process.env): Logger {
  const { level: configuredName, warning } = resolveLevel(options.level, env)
  const configured = levelValues[configuredName]
  const buffering = options.debugBuffer !== undefined && options.debugBuffer !== false
  const bufferOpts = typeof options.debugBuffer === 'object' ? options.debugBuffer : {}
  if (bufferOpts.level !== undefined && !Object.hasOwn(levelValues, bufferOpts.level)) {
    invalidOption('debugBuffer.level', `one of ${Object.keys(levelValues).join(', ')}`, bufferOpts.level)
  }
  const bufferLevel = levelValues[bufferOpts.level ?? 'debug']
  const maxBytes = bufferOpts.maxBytes ?? 64 * 1024
  if (!(maxBytes > 0)) invalidOption('debugBuffer.maxBytes', 'a positive number', maxBytes)
  const floor = Math.min(configured, DEBUG, buffering ? bufferLevel : DEBUG)
  const floorName = (Object.keys(levelValues) as LevelName[]).find((k) => levelValues[k] === floor) ?? 'debug'

  /** The level in force for `logger` in `ctx`: a level set through pino's API wins; sampling lowers to debug. */
  function threshold(logger: Flagged, ctx: CorrelationContext | undefined): number {
    const base = logger[EXPLICIT] === true ? logger.levelVal : configured
    return ctx?.debug === true && base > DEBUG && base !== SILENT ? DEBUG : base
  }

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
    if (level < threshold(this, ctx)) {
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
  const headers = headerRedactor(redactConfig)
  const userLog = options.pino?.formatters?.log
  let logger: Flagged
  try {
    logger = pino(
      {
        base: options.service === undefined ? null : { service: options.service },
        serializers: { err: stdSerializers.errWithCause, error: stdSerializers.errWithCause },
        ...options.pino,
        formatters: {
          level: (label) => ({ level: label }),
          ...options.pino?.formatters,
          log: userLog === undefined ? headers : (obj) => userLog(headers(obj)),
        },
        level: floorName,
        redact: { paths: [...redactConfig.paths], censor: redactConfig.censor },
        hooks: { logMethod },
      },
      destination,
    )
  } catch (cause) {
    throw new SightlineError(
      codes.INVALID_OPTION,
      `Expected valid pino options (\`redact.paths\`, \`pino\`): ${(cause as Error).message}`,
      { cause },
    )
  }
  const proto = Object.getPrototypeOf(logger) as object
  // pino announces every level change (its setter, `child(…, { level })`) on the root's emitter.
  logger.on('level-change', (_l, _v, _pl, _pv, instance) => {
    ;(instance as Flagged)[EXPLICIT] = true
  })
  Object.defineProperty(logger, 'level', {
    get(this: Flagged) {
      const value = threshold(this, tryGetContext())
      return (
        (Object.keys(levelValues) as LevelName[]).find((k) => levelValues[k] === value) ??
        Reflect.get(proto, 'level', this)
      )
    },
    set(this: Flagged, value: string) {
      Reflect.set(proto, 'level', value, this)
    },
    configurable: true,
  })
  logger.isLevelEnabled = function isLevelEnabled(this: Flagged, label: string): boolean {
    const value = (levelValues as Record<string, number>)[label]
    return value !== undefined && value !== SILENT && value >= threshold(this, tryGetContext())
  }
  if (warning !== undefined) logger.warn(warning)
  return logger
}
