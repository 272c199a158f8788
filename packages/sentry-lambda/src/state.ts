import type { ClientRequest } from 'node:http'
import type { CorrelationContext } from '@sightline/correlation'
import type { SentryRuntime } from './runtime.js'

/** What one invocation (or one server request) still has to send, keyed by its root context. */
export interface Work {
  /** Events between capture and the transport (event processors, beforeSend). */
  processing: number
  /** Envelope requests in flight; each leaves the set when its socket is closed. */
  readonly requests: Set<ClientRequest>
  /** Captured before `@sentry/node` was loaded: sent by the flush, once it is. */
  readonly queued: Array<(runtime: SentryRuntime | undefined) => void>
  /** The flush deadline passed: anything else of this invocation is dropped, not sent later. */
  closed: boolean
  /** Flushes waiting for a condition on this work; each re-checks it when called. */
  readonly waiters: Array<() => void>
}

export interface Counters {
  /** Events handed to the SDK by the plugin. */
  captured: number
  /** Envelopes the endpoint accepted (2xx). */
  delivered: number
  /** Envelopes the endpoint refused (non-2xx) or that failed on the network. */
  rejected: number
  /** Envelopes cut at the flush deadline, and events dropped because the deadline had passed. */
  notDelivered: number
}

interface State {
  runtime: SentryRuntime | undefined
  loading: Promise<SentryRuntime | undefined> | undefined
  readonly works: WeakMap<CorrelationContext, Work>
  /** Per-invocation isolation scopes, opened by `onInvoke` once the SDK is loaded. */
  readonly forked: WeakSet<CorrelationContext>
  /**
   * Where each error was sent to Sentry (by us or by the app) and as which event: once per invocation, since
   * apps throw shared error instances (a module-level NOT_FOUND) in every invocation. Latest first.
   */
  readonly sent: WeakMap<object, Array<{ readonly where: unknown; readonly id: string }>>
  readonly reported: Set<string>
  readonly counters: Counters
}

// One state per process, shared by duplicate installs (ESM and CJS builds, a layer and a bundle): there is
// one Sentry client per process, and the flush must see the work its transport tracks.
const key = Symbol.for('sightline.sentry.v1')
const g = globalThis as { [key]?: State }
export const state: State = (g[key] ??= {
  runtime: undefined,
  loading: undefined,
  works: new WeakMap(),
  forked: new WeakSet(),
  sent: new WeakMap(),
  reported: new Set(),
  counters: { captured: 0, delivered: 0, rejected: 0, notDelivered: 0 },
})

export function rootOf(ctx: CorrelationContext): CorrelationContext {
  let c = ctx
  while (c.parent !== undefined) c = c.parent
  return c
}

export function workOf(ctx: CorrelationContext | undefined, create: boolean): Work | undefined {
  if (ctx === undefined) return undefined
  const root = rootOf(ctx)
  // A server request's context: no flush will come for it, its events go out in the background.
  if (root.source === 'http') return undefined
  let work = state.works.get(root)
  if (work === undefined && create) {
    work = { processing: 0, requests: new Set(), queued: [], closed: false, waiters: [] }
    state.works.set(root, work)
  }
  return work
}

export function isIdle(work: Work): boolean {
  return work.processing <= 0 && work.requests.size === 0 && work.queued.length === 0
}

/** Something of `work` finished: its waiters check their condition again (and wait on if not met). */
export function settle(work: Work): void {
  if (work.waiters.length === 0) return
  for (const check of work.waiters.splice(0)) check()
}

// Concurrent invocations (Managed Instances) may all throw one shared instance: a few places per error.
const MAX_PLACES = 8

/**
 * One invocation, whatever wraps it: its Lambda request id (a handler wrapped twice opens two contexts for
 * one invocation), else its root context (a server request, a unit test without a Lambda context).
 */
function placeOf(ctx: CorrelationContext | undefined): unknown {
  if (ctx === undefined) return undefined
  const root = rootOf(ctx)
  return root.awsRequestId ?? root
}

/** Remembers that `error` went to Sentry as `eventId` from the invocation (or request) of `ctx`. */
export function markSent(error: object, eventId: string, ctx: CorrelationContext | undefined): void {
  const places = state.sent.get(error) ?? []
  places.unshift({ where: placeOf(ctx), id: eventId })
  if (places.length > MAX_PLACES) places.length = MAX_PLACES
  state.sent.set(error, places)
}

/** The event id `error` got in the invocation (or request) of `ctx`, if it was sent from there. */
export function sentIn(error: object, ctx: CorrelationContext | undefined): string | undefined {
  const where = placeOf(ctx)
  if (where === undefined) return undefined
  return state.sent.get(error)?.find((p) => p.where === where)?.id
}

/** The latest event id of `error`, wherever it was sent from. */
export function lastEventId(error: object): string | undefined {
  return state.sent.get(error)?.[0]?.id
}

/** A snapshot of what the plugin sent since the process started. */
export function getSentryDiagnostics(): Readonly<Counters> {
  return { ...state.counters }
}
