import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import type { Socket } from 'node:net'
import { tryGetContext } from '@sightline/correlation'
import type { Logger } from '@sightline/logger'
import { sentryCodes } from './errors.js'
import { reportOnce } from './report.js'
import { settle, state, workOf } from './state.js'

type Sdk = typeof import('./sdk.js')
type TransportOptions = Parameters<Sdk['makeNodeTransport']>[0]
type Transport = ReturnType<Sdk['makeNodeTransport']>
type Envelope = Parameters<Transport['send']>[0]
type HttpModule = NonNullable<TransportOptions['httpModule']>

/** A request made outside any invocation (a server, module init) is cut after this long without activity. */
export const DETACHED_TIMEOUT_MS = 10_000

// Requests we destroyed at a flush deadline: their 'error' is ours, not the endpoint's.
const cut = new WeakSet<ClientRequest>()

/**
 * The SDK's own Node transport (`makeNodeTransport`: its gzip above 32 KiB, rate limits, retry-after),
 * given an `http` module whose requests are tracked per invocation, so a flush can wait for exactly this
 * invocation's envelopes and cut them at its deadline.
 */
export function trackedTransport(sdk: Sdk, logger: Logger): (options: TransportOptions) => Transport {
  const httpModule = { request: trackedRequest(logger) }
  return (options) => {
    // No keep-alive: a pooled socket would outlive the invocation, and a frozen sandbox's sockets go stale.
    const inner = sdk.makeNodeTransport({ ...options, keepAlive: false, httpModule })
    return {
      send(envelope: Envelope) {
        const work = workOf(tryGetContext(), false)
        const carriesEvent = envelope[1].some((item) => item[0].type === 'event')
        if (work?.closed === true) {
          // Its flush is over and the invocation has returned: sending now would leave a live socket.
          if (carriesEvent) work.processing--
          state.counters.notDelivered++
          return Promise.resolve({})
        }
        // Synchronous down to http.request: the request is tracked before the event stops counting.
        const sent = inner.send(envelope)
        if (work !== undefined && carriesEvent) {
          work.processing--
          settle(work)
        }
        return sent
      },
      flush: (timeout) => inner.flush(timeout),
    }
  }
}

function trackedRequest(logger: Logger): HttpModule['request'] {
  return function request(input, callback) {
    // The SDK passes an options object with the DSN's protocol.
    const options = input as RequestOptions
    const http = process.getBuiltinModule(options.protocol === 'https:' ? 'node:https' : 'node:http')
    const req = http.request(options, callback as ((res: IncomingMessage) => void) | undefined)
    req.once('response', (res) => answered(res.statusCode ?? 0, logger))
    req.once('error', (err) => {
      if (cut.has(req)) return
      state.counters.rejected++
      reportOnce(logger, sentryCodes.REJECTED, { err }, 'a Sentry envelope could not be sent')
    })
    const work = workOf(tryGetContext(), false)
    if (work === undefined) {
      req.setTimeout(DETACHED_TIMEOUT_MS, () => cutRequest(req))
      return req
    }
    work.requests.add(req)
    const release = () => {
      if (work.requests.delete(req)) settle(work)
    }
    // Done when its socket is closed, not merely when the response ended: only then is nothing left open.
    let socket: Socket | undefined
    req.once('socket', (s) => {
      socket = s
      s.once('close', release)
    })
    req.once('close', () => {
      if (socket === undefined || socket.closed) release()
    })
    return req
  }
}

function answered(status: number, logger: Logger): void {
  if (status >= 200 && status < 300) {
    state.counters.delivered++
    return
  }
  state.counters.rejected++
  reportOnce(
    logger,
    sentryCodes.REJECTED,
    { status, rateLimited: status === 429 },
    `the Sentry endpoint refused an envelope with status ${status}`,
  )
}

/** Destroys an envelope request: its socket closes, the SDK sees a network error and moves on. */
export function cutRequest(req: ClientRequest): void {
  cut.add(req)
  req.destroy()
}
