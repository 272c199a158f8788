import type { NodeOptions } from '@sentry/node'
import { invalidOption } from '@sightline/correlation'
import { logger as defaultLogger, type Logger, type Redaction, redaction } from '@sightline/logger'
import { parseDsn } from './dsn.js'

type Env = Readonly<Record<string, string | undefined>>

/** What goes to `Sentry.init` as is; the plugin owns the DSN, environment, release and transport. */
export type SentryInitOptions = Omit<
  NodeOptions,
  'dsn' | 'environment' | 'release' | 'transport' | 'sendClientReports'
>

export interface SentryOptions {
  /** Default: `SENTRY_DSN`. Without one the plugin has no hooks: it costs nothing and sends nothing. */
  readonly dsn?: string
  /** Default: `SENTRY_ENVIRONMENT` (set it per stage or branch so their issues stay apart). */
  readonly environment?: string
  /** Default: `SENTRY_RELEASE`, read by the SDK. */
  readonly release?: string
  /**
   * Load `@sentry/node` at construction (the module's init) rather than at the first capture: breadcrumbs and
   * Sentry's default integrations, at the price of the SDK's load time at init. Default false, except on
   * Managed Instances (`AWS_LAMBDA_MAX_CONCURRENCY` set), where every worker thread loads its own SDK and a
   * load inside a failing invocation competes with the other invocations for the CPU.
   */
  readonly eager?: boolean
  /** Also capture handled responses with a `statusCode` ≥ 500. Default false. */
  readonly captureServerErrors?: boolean
  /** One warning event when the wrapper's last-gasp timer fires. Default true. */
  readonly captureTimeouts?: boolean
  /** Added to the shared redaction applied to every event (Authorization, cookies, API keys). */
  readonly redact?: Partial<Redaction>
  /** Passed to `Sentry.init` (integrations, beforeSend, sampleRate, tracesSampleRate, debug, …). */
  readonly sentry?: SentryInitOptions
  /** For the plugin's own warning lines. Default: `@sightline/logger`'s. */
  readonly logger?: Logger
  /** Where `SENTRY_DSN`, `SENTRY_ENVIRONMENT` and `AWS_REGION` are read, once. Default: `process.env`. */
  readonly env?: Env
}

/** The options, validated and resolved against the environment once. */
export interface Settings {
  readonly dsn: string | undefined
  readonly environment: string | undefined
  readonly release: string | undefined
  readonly region: string | undefined
  /** Managed Instances: ric 4 runs several invocations at once and keeps libuv's thread pool busy. */
  readonly multiConcurrency: boolean
  readonly eager: boolean
  readonly captureServerErrors: boolean
  readonly captureTimeouts: boolean
  readonly redaction: Redaction
  readonly init: SentryInitOptions
  readonly logger: Logger
}

// Sentry refuses environment names with a slash or a line break, and longer than 64 characters.
const ENVIRONMENT = /^[^/\r\n\f]{1,64}$/

export function resolveSettings({
  dsn,
  environment,
  release,
  eager,
  captureServerErrors = false,
  captureTimeouts = true,
  redact,
  sentry = {},
  logger = defaultLogger,
  env = process.env,
}: SentryOptions = {}): Settings {
  // An explicit `dsn: ''` turns Sentry off even where SENTRY_DSN is set, as `dsn: process.env.X` would.
  const resolvedDsn = dsn !== undefined ? nonEmpty(dsn) : nonEmpty(env.SENTRY_DSN)
  if (resolvedDsn !== undefined && parseDsn(resolvedDsn) === undefined) {
    invalidOption(
      dsn === undefined ? 'SENTRY_DSN' : 'dsn',
      'a DSN like http(s)://<key>@<host>/<project>',
      resolvedDsn,
    )
  }
  const resolvedEnvironment = environment ?? nonEmpty(env.SENTRY_ENVIRONMENT)
  if (resolvedEnvironment !== undefined && !ENVIRONMENT.test(resolvedEnvironment)) {
    invalidOption(
      environment === undefined ? 'SENTRY_ENVIRONMENT' : 'environment',
      'a name of 1 to 64 characters without "/" or line breaks',
      resolvedEnvironment,
    )
  }
  if (release !== undefined && (typeof release !== 'string' || release === '')) {
    invalidOption('release', 'a non-empty string', release)
  }
  const multiConcurrency = env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined
  const resolvedEager = eager ?? multiConcurrency
  for (const [name, value] of Object.entries({
    eager: resolvedEager,
    captureServerErrors,
    captureTimeouts,
  })) {
    if (typeof value !== 'boolean') invalidOption(name, 'a boolean', value)
  }
  if (sentry === null || typeof sentry !== 'object') invalidOption('sentry', 'Sentry.init options', sentry)
  return Object.freeze({
    dsn: resolvedDsn,
    environment: resolvedEnvironment,
    release,
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    multiConcurrency,
    eager: resolvedEager,
    captureServerErrors,
    captureTimeouts,
    redaction: redaction(redact),
    init: sentry,
    logger,
  })
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
