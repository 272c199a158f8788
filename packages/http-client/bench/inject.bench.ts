import { correlationIds, createContext, withContext } from '@sightline/correlation'
import superagent from 'superagent'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { correlationHeaders, headersFor } from '../src/index.js'
import { recordRequest } from '../src/metrics.js'
import { correlate } from '../src/superagent.js'

// What a request carries in a typical invocation: two IDs, the debug decision, the chain and the trace.
const ctx = createContext({
  ids: { 'x-correlation-id': 'c6af9ac6-7b61-11e6-9a41-93e812345678', 'x-correlation-user-id': 'user-17' },
  traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  callChainLength: 2,
})
const url = 'https://orders.internal.example/v1/orders/17?expand=lines'
const hosts = ['payments.internal.example', '*.internal.example', 'api.partner.example:8443']
const plugin = correlate()
const filtered = correlate({ hosts })
// No network: `request()` (which opens the socket) is replaced before the plugin wraps it, so what is
// measured is building the request plus, for the instrumented rows, the plugin's work at send time.
const noop = () => undefined
type Sendable = superagent.Request & { request(): unknown }
const build = () => {
  const req = superagent.get(url).set('accept', 'application/json') as Sendable
  req.request = noop
  return req
}
const hook = { histogram: noop, count: noop }

const requests = new Bench({ time: 1500, warmup: true })
requests
  .add('superagent request, built and sent (no plugin)', () => {
    build().request()
  })
  .add('+ .use(correlate()): 5 headers set at send', () => {
    build().use(plugin).request()
  })
  .add('+ .use(correlate({ hosts })): host checked, 5 headers', () => {
    build().use(filtered).request()
  })
  .add('+ metrics: one request recorded (no-op recorder)', () => {
    build().request()
    recordRequest(hook, { url, method: 'GET', startedAt: 0, status: 200 })
  })

const providers = new Bench({ time: 1000, warmup: true })
providers
  .add('correlationIds() (core, cached)', () => {
    correlationIds()
  })
  .add('correlationHeaders()', () => {
    correlationHeaders()
  })
  .add('headersFor(url, { hosts })', () => {
    headersFor(url, { hosts })
  })
  .add('correlationHeaders() outside a context', () => {
    correlationHeaders(undefined)
  })

await withContext(ctx, async () => {
  // Guard: the rows must measure real work, with the headers actually set from the context.
  const probe = build().use(filtered)
  probe.request()
  if (probe.get('x-correlation-id') !== ctx.ids['x-correlation-id'])
    throw new Error('bench runs without headers')
  await requests.run()
  report(requests, 'superagent request, built and sent (no plugin)')
  await providers.run()
  report(providers, 'correlationIds() (core, cached)')
})
