import type { AsyncLocalStorage } from 'node:async_hooks'
// A namespace import: a bundle's top level then declares no `createRequire`, the name the usual ESM
// banner (`import { createRequire } from 'module'`) declares.
import * as nodeModule from 'node:module'
import type * as SentryNode from '@sentry/node'
import { tryGetContext } from '@sightline/correlation'
import { sentryCodes } from './errors.js'
import type { Settings } from './options.js'
import { reportOnce } from './report.js'
import { scrubEvent } from './scrub.js'
import { markSent, settle, state, workOf } from './state.js'
import { eventData } from './tags.js'
import { trackedTransport } from './transport.js'

export type Sdk = typeof import('./sdk.js')
export type SentryClient = NonNullable<ReturnType<Sdk['getClient']>>

/** `@sentry/node`, loaded and initialised once per process. */
export interface SentryRuntime {
  readonly sdk: Sdk
  readonly client: SentryClient
  /** Sentry's async-context storage: one isolation scope per invocation is entered into it. */
  readonly storage: AsyncLocalStorage<unknown> | undefined
  /** False when the app had initialised Sentry itself: its transport is not ours to track or cut. */
  readonly owned: boolean
}

/** The runtime once loaded; undefined before (no import is ever started from here). */
export function readyRuntime(): SentryRuntime | undefined {
  return state.runtime
}

/** Loads and initialises `@sentry/node` once per process; resolves undefined when it cannot be. */
export function loadRuntime(settings: Settings): Promise<SentryRuntime | undefined> {
  if (state.runtime !== undefined) return Promise.resolve(state.runtime)
  state.loading ??= importSdk().then(
    (sdk) => {
      try {
        state.runtime = initialise(sdk, settings)
      } catch (err) {
        unavailable(settings, err)
      }
      return state.runtime
    },
    (err: unknown) => unavailable(settings, err),
  )
  return state.loading
}

// Defined by tsup per output format; undefined when the sources run as they are (tests).
declare const SIGHTLINE_FORMAT: 'esm' | 'cjs' | undefined

/**
 * The ESM build requires its SDK chunk (dist/sightline-sentry-sdk.js) with `require(esm)`: the same module
 * instances an ESM app imports (one SDK in memory), loaded synchronously. That is ~100 ms faster than
 * `import()` on Node 20 once any AsyncLocalStorage is in use (its promise hooks then tax every promise of
 * the ESM loader), and its reads cannot wait on the thread pool ric 4 keeps busy. Where that fails (a
 * user's bundle: the chunk is not next to it; a Node without `require(esm)`), `import()`, which bundlers
 * follow. The CommonJS build has src/sdk.ts inline, behind a lazy `require` of the SDK's CommonJS build:
 * the copy a CommonJS app requires.
 */
function importSdk(): Promise<Sdk> {
  if (typeof SIGHTLINE_FORMAT !== 'undefined' && SIGHTLINE_FORMAT === 'esm') {
    try {
      return Promise.resolve(nodeModule.createRequire(import.meta.url)('./sightline-sentry-sdk.js') as Sdk)
    } catch {
      // Not found, or not loadable synchronously: the asynchronous import below says why, if it fails too.
    }
  }
  return import('./sdk.js')
}

function unavailable(settings: Settings, err: unknown): undefined {
  reportOnce(
    settings.logger,
    sentryCodes.SDK_UNAVAILABLE,
    { err },
    '@sentry/node could not be loaded or initialised; Sentry events are dropped',
  )
  return undefined
}

// Drops that happen between the 'preprocessEvent' hook and the transport: the event will not be sent.
const PROCESSING_DROPS = new Set(['event_processor', 'before_send', 'sample_rate'])

function initialise(sdk: Sdk, settings: Settings): SentryRuntime {
  const existing = sdk.getClient()
  const owned = existing === undefined
  const client = existing ?? (sdk.initWithoutDefaultIntegrations(initOptions(sdk, settings)) as SentryClient)
  track(client, owned)
  sdk.getGlobalScope().addEventProcessor((event) => enrich(event, settings.region))
  const lookup = (client as { asyncLocalStorageLookup?: { asyncLocalStorage?: AsyncLocalStorage<unknown> } })
    .asyncLocalStorageLookup
  return { sdk, client, storage: lookup?.asyncLocalStorage, owned }
}

function initOptions(sdk: Sdk, settings: Settings): SentryNode.NodeOptions {
  const { init, redaction } = settings
  const userBeforeSend = init.beforeSend
  const options: SentryNode.NodeOptions = {
    ...init,
    dsn: settings.dsn,
    // Client reports run an interval for the life of the process: no timer may outlive an invocation.
    sendClientReports: false,
    transport: trackedTransport(sdk, settings.logger),
    integrations: (defaults) => {
      // Lazy: errors only, nothing patched. Eager: Sentry's defaults (breadcrumbs), less process sessions,
      // which end at process exit, an event a frozen sandbox never sees; and, on Managed Instances, less
      // source context lines, whose async file reads wait for a thread pool ric 4 keeps busy there: the
      // event would never be sent.
      const dropped = new Set(['ProcessSession', ...(settings.multiConcurrency ? ['ContextLines'] : [])])
      const base = settings.eager
        ? defaults.filter((i) => !dropped.has(i.name))
        : [sdk.linkedErrorsIntegration()]
      const user = init.integrations
      if (typeof user === 'function') return user(base)
      return Array.isArray(user) ? [...base, ...user] : base
    },
    beforeSend: (event, hint) => {
      const result = userBeforeSend === undefined ? event : userBeforeSend(event, hint)
      if (result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
        return (result as PromiseLike<typeof event | null>).then((e) => e && scrubEvent(e, redaction))
      }
      return result && scrubEvent(result as typeof event, redaction)
    },
  }
  if (settings.environment !== undefined) options.environment = settings.environment
  if (settings.release !== undefined) options.release = settings.release
  if (settings.eager) {
    // Sentry's defaults less its tracing integrations (Express, databases, …: their spans, not errors),
    // which would double the SDK in a bundle. With tracing on, pass them in `sentry.integrations`.
    options.defaultIntegrations = init.defaultIntegrations ?? sdk.getDefaultIntegrationsWithoutPerformance()
  } else {
    options.defaultIntegrations = false
    // No import-in-the-middle loader thread when nothing is instrumented.
    options.registerEsmLoaderHooks = false
  }
  return options
}

type SentryEvent = Parameters<Parameters<SentryClient['addEventProcessor']>[0]>[0]

/**
 * Gives every event captured inside an invocation (the app's own `Sentry.capture*` calls and Sentry's
 * integrations included) that invocation's tags and contexts, where the event's scopes did not set them.
 * Runs in the event's processing, which keeps the async context of the capture.
 */
function enrich(event: SentryEvent, region: string | undefined): SentryEvent {
  const ctx = tryGetContext()
  if (ctx === undefined || event.type !== undefined) return event
  const data = eventData(ctx, undefined, region)
  event.tags = { ...data.tags, ...event.tags }
  const contexts: Record<string, Record<string, unknown> | undefined> = { ...event.contexts }
  for (const name in data.contexts) contexts[name] ??= data.contexts[name]
  event.contexts = contexts as NonNullable<SentryEvent['contexts']>
  if (event.transaction === undefined && data.transaction !== undefined) event.transaction = data.transaction
  return event
}

/**
 * Counts, per invocation, the events between capture and the transport, so a flush knows what to wait for
 * (the app's own `Sentry.captureException` calls included) without polling, and remembers each error's
 * event id for the error line.
 */
function track(client: SentryClient, owned: boolean): void {
  client.on('preprocessEvent', (event, hint) => {
    if (event.type !== undefined) return
    const ctx = tryGetContext()
    const original = hint?.originalException
    if (original !== null && typeof original === 'object' && event.event_id !== undefined) {
      markSent(original, event.event_id, ctx)
    }
    const work = workOf(ctx, true)
    if (work !== undefined) work.processing++
  })
  const done = () => {
    const work = workOf(tryGetContext(), false)
    if (work === undefined) return
    work.processing--
    settle(work)
  }
  const record = client.recordDroppedEvent.bind(client)
  client.recordDroppedEvent = (reason, category, count) => {
    record(reason, category, count)
    if (category === 'error' && PROCESSING_DROPS.has(reason)) done()
  }
  // Our transport counts an event as done when its request starts; an app's own transport cannot.
  if (!owned) client.on('afterSendEvent', done)
}
