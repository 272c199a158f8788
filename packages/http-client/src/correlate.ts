import { type CorrelationContext, invalidOption, tryGetContext } from '@sightline/correlation'
import type { Plugin } from 'superagent'
import { type CorrelationHeaders, correlationHeaders, NO_HEADERS, withTraceHeader } from './headers.js'
import { type HostFilter, type Hosts, hostFilter } from './hosts.js'
import { type MetricsHook, metricsHook, recordRequest } from './metrics.js'
import { httpClientCodes, report } from './report.js'
import { endTrace, startTrace, type TracedCall, xrayHook } from './xray.js'

export interface CorrelateOptions {
  /** Only these hosts get the headers (see `Hosts`); every host when absent. Checked again on redirects. */
  readonly hosts?: Hosts
}

type Callback = (error: unknown, res?: { status?: unknown }) => void

// What the plugin uses of superagent's Node request: `request()` builds the Node request of each attempt
// (first send, every redirect, every retry, `.write()`); `end()` is where the one final callback is given.
interface NodeRequest {
  url: string
  method: string
  req?: unknown
  request(): unknown
  end(fn?: Callback): unknown
  get(field: string): string | undefined
  set(field: string, value: string): unknown
  unset(field: string): unknown
  [STATE]?: State
}

interface State {
  allows: HostFilter | undefined
  /** The context current when the plugin ran: used only if the request is sent outside any context. */
  readonly built: CorrelationContext | undefined
  /** The context read at the first send; redirects and retries of this request keep it. */
  context: CorrelationContext | undefined
  sent: boolean
  measured: boolean
  /** What we set last, so a redirect can take it back and a caller's own header is never overwritten. */
  applied: CorrelationHeaders | undefined
  /** The X-Ray subsegment of this request (redirects and retries included), when a tracer is installed. */
  trace: TracedCall | undefined
  readonly request: () => unknown
  readonly end: (fn?: Callback) => unknown
}

// Global so two copies of the plugin (ESM and CJS, or two installs) on one request wrap it once.
const STATE = Symbol.for('sightline.http-client.correlate.v1')

/**
 * A superagent plugin: `request.use(correlate())`, or `superagent.agent().use(correlate())` for every
 * request of an agent. The headers are those of the context current when the request is sent, set
 * again on every redirect (and removed when one leads to a host not in `hosts`) and retry. With a
 * metrics recorder installed, each request records `http.client.duration` and `http.client.requests`.
 */
export function correlate(options: CorrelateOptions = {}): Plugin {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options)
  const allows = hostFilter(options.hosts)
  return (req) => install(req as unknown as NodeRequest, allows)
}

function install(req: NodeRequest, allows: HostFilter | undefined): void {
  try {
    const existing = req[STATE]
    if (existing !== undefined) {
      existing.allows = allows // used twice (agent default and per request): the last options win
      return
    }
    if (typeof req.request !== 'function' || typeof req.end !== 'function') {
      // Not superagent's Node request (the browser build?): set what we can now.
      for (const [key, value] of Object.entries(correlationHeaders())) req.set(key, value)
      return
    }
    req[STATE] = {
      allows,
      built: tryGetContext(),
      context: undefined,
      sent: false,
      measured: false,
      applied: undefined,
      trace: undefined,
      request: req.request,
      end: req.end,
    }
    req.request = sendAttempt
    req.end = endOnce
  } catch (error) {
    report(httpClientCodes.INJECTION_FAILED, error)
  }
}

function sendAttempt(this: NodeRequest): unknown {
  const state = this[STATE]!
  if (this.req === undefined || this.req === null) {
    try {
      apply(this, state)
    } catch (error) {
      report(httpClientCodes.INJECTION_FAILED, error)
    }
  }
  return state.request.call(this)
}

function apply(req: NodeRequest, state: State): void {
  if (!state.sent) {
    state.sent = true
    state.context = tryGetContext() ?? state.built
  }
  const untraced = correlationHeaders(state.context)
  const headers = state.trace === undefined ? untraced : withTraceHeader(untraced, state.trace.traceHeader)
  const previous = state.applied
  if (headers === NO_HEADERS && previous === undefined) return // nothing to add, nothing to take back
  if (state.allows === undefined || state.allows(req.url)) {
    for (const key in headers) {
      const current = req.get(key)
      if (current === undefined || current === previous?.[key]) req.set(key, headers[key]!)
    }
    state.applied = headers
  } else if (previous !== undefined) {
    for (const key in previous) if (req.get(key) === previous[key]) req.unset(key)
    state.applied = undefined
  }
}

function endOnce(this: NodeRequest, fn?: Callback): unknown {
  const state = this[STATE]!
  // A redirect calls end() again with the callback we gave: pass it through, measure and trace once.
  if (state.measured || typeof fn !== 'function') return state.end.call(this, fn)
  state.measured = true
  const hook = metricsHook()
  // Only a request with a final callback is traced: a piped one would never end its subsegment. Started
  // here, before the first attempt is built, so that attempt already carries the subsegment's header.
  const xray = xrayHook()
  if (xray !== undefined)
    state.trace = startTrace(xray, this.url, this.method, tryGetContext() ?? state.built)
  if (hook === undefined && state.trace === undefined) return state.end.call(this, fn)
  return state.end.call(this, measured(hook, state.trace, this.url, this.method, fn))
}

function measured(
  hook: MetricsHook | undefined,
  trace: TracedCall | undefined,
  url: string,
  method: string,
  fn: Callback,
): Callback {
  const startedAt = performance.now()
  return (error, res) => {
    // No response means the request failed (network, timeout); a redirect error gives Node's message.
    const status = res == null ? undefined : (res.status ?? (error as { status?: unknown } | null)?.status)
    if (hook !== undefined) recordRequest(hook, { url, method, startedAt, status })
    if (trace !== undefined) endTrace(trace, status, error)
    fn(error, res)
  }
}
