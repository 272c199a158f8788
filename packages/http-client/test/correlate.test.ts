import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CorrelationContext,
  createContext,
  extractFromEvent,
  setCorrelationId,
  withContext,
} from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import {
  getHttpClientDiagnostics,
  httpClientCodes,
  METRICS_KEY,
  resetHttpClientDiagnostics,
} from '@sightline/http-client'
import { correlate } from '@sightline/http-client/superagent'
import { apiGatewayV1Event, captureLogs, fakeContext, type LogCapture } from '@sightline/testing'
import superagent from 'superagent'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RecordingServer, recordingServer, sightlineHeaders } from './servers.js'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
const context = (id: string, extra: Partial<Parameters<typeof createContext>[0]> = {}): CorrelationContext =>
  createContext({
    ids: { 'x-correlation-id': id, 'x-correlation-user-id': `user-of-${id}` },
    traceHeader: TRACE,
    debug: true,
    callChainLength: 3,
    ...extra,
  })
const expected = (id: string) => ({
  'x-correlation-id': id,
  'x-correlation-user-id': `user-of-${id}`,
  'debug-log-enabled': 'true',
  'call-chain-length': '3',
  'x-amzn-trace-id': TRACE,
})

let api: RecordingServer
let thirdParty: RecordingServer
beforeAll(async () => {
  api = await recordingServer('127.0.0.1')
  // Another host on this machine: Linux routes all of 127.0.0.0/8 to the loopback interface.
  thirdParty = await recordingServer('127.0.0.2')
})
afterAll(async () => {
  await api.close()
  await thirdParty.close()
})
let logs: LogCapture
beforeEach(() => {
  api.received.length = 0
  thirdParty.received.length = 0
  resetHttpClientDiagnostics()
  logs = captureLogs()
})
afterEach(() => logs.restore())

describe('correlate()', () => {
  it('sends the IDs, the debug decision, the call-chain length and the trace header', async () => {
    await withContext(context('c-1'), () => superagent.get(`${api.url}/orders`).use(correlate()))
    expect(sightlineHeaders(api.at('/orders')[0]!.headers)).toEqual(expected('c-1'))
  })

  it.each([
    ['await', (req: superagent.Request) => req.then((r) => r.status)],
    ['.then', (req: superagent.Request) => new Promise((ok, ko) => void req.then((r) => ok(r.status), ko))],
    [
      '.end(cb)',
      (req: superagent.Request) => new Promise((ok, ko) => req.end((e, r) => (e ? ko(e) : ok(r.status)))),
    ],
  ])('carries the headers when the request is sent with %s', async (_, send) => {
    const status = await withContext(context('c-2'), () =>
      send(superagent.get(`${api.url}/send`).use(correlate())),
    )
    expect(status).toBe(200)
    expect(sightlineHeaders(api.at('/send')[0]!.headers)).toEqual(expected('c-2'))
  })

  it('carries the headers of a piped request', async () => {
    const { PassThrough } = await import('node:stream')
    const sink = new PassThrough()
    const done = new Promise((resolve) => sink.on('finish', resolve).resume())
    withContext(context('c-pipe'), () => superagent.get(`${api.url}/piped`).use(correlate()).pipe(sink))
    await done
    expect(api.at('/piped')[0]!.headers['x-correlation-id']).toBe('c-pipe')
  })

  it('reads the context when the request is sent, not when it was built', async () => {
    const req = withContext(context('built'), () => superagent.get(`${api.url}/late`).use(correlate()))
    await withContext(context('sent'), async () => await req)
    expect(api.at('/late')[0]!.headers['x-correlation-id']).toBe('sent')
  })

  it('uses the context the request was built in when it is sent outside any context', async () => {
    const req = withContext(context('built-only'), () => superagent.get(`${api.url}/orphan`).use(correlate()))
    await req
    expect(api.at('/orphan')[0]!.headers['x-correlation-id']).toBe('built-only')
  })

  it('sends no Sightline header outside any context', async () => {
    await superagent.get(`${api.url}/none`).use(correlate())
    expect(sightlineHeaders(api.at('/none')[0]!.headers)).toEqual({})
  })

  it('keeps the headers on the request a 302 redirects to', async () => {
    const res = await withContext(context('c-3'), () =>
      superagent.get(`${api.url}/redirect`).use(correlate()),
    )
    expect(res.redirects).toEqual([`${api.url}/target`])
    expect(sightlineHeaders(api.at('/redirect')[0]!.headers)).toEqual(expected('c-3'))
    expect(sightlineHeaders(api.at('/target')[0]!.headers)).toEqual(expected('c-3'))
  })

  it('sends the headers again when it retries after a 503', async () => {
    const res = await withContext(context('c-4'), () =>
      superagent.get(`${api.url}/flaky/c-4`).use(correlate()).retry(1),
    )
    expect(res.status).toBe(200)
    const attempts = api.at('/flaky/c-4')
    expect(attempts).toHaveLength(2)
    for (const attempt of attempts) expect(sightlineHeaders(attempt.headers)).toEqual(expected('c-4'))
  })

  it('never mixes IDs between 30 contexts whose requests interleave', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withContext(context(`mix-${i}`), async () => {
          await sleep((i * 7) % 5) // start in another order than created
          const req = superagent.get(`${api.url}/mix/${i}`).use(correlate())
          await sleep((i * 3) % 4) // and send in yet another
          setCorrelationId('step', `step-${i}`)
          return req
        }),
      ),
    )
    const mixed = api.received.filter((r) => r.path.startsWith('/mix/'))
    expect(mixed).toHaveLength(30)
    for (const { path, headers } of mixed) {
      const i = path.slice(5)
      expect(sightlineHeaders(headers)).toEqual({
        ...expected(`mix-${i}`),
        'x-correlation-step': `step-${i}`,
      })
    }
  })

  it('keeps a correlation header the caller set on the request', async () => {
    await withContext(context('c-5'), () =>
      superagent.get(`${api.url}/own`).set('X-Correlation-Id', 'callers-own').use(correlate()),
    )
    expect(sightlineHeaders(api.at('/own')[0]!.headers)).toEqual({
      ...expected('c-5'),
      'x-correlation-id': 'callers-own',
    })
  })

  it('forwards only safe values from a context built from malicious inbound headers', async () => {
    const event = apiGatewayV1Event({
      requestId: 'apigw-req-1',
      headers: {
        'X-Correlation-Id': 'inbound\r\nX-Injected: 1',
        'x-correlation-user-id': 'user-9',
        'x-correlation-long': 'x'.repeat(300),
        'x-correlation-ctl': 'bell\u0007',
        'x-correlation-uni': 'caf\u00e9',
        'x-correlation-bad key': 'v',
        'call-chain-length': '99999999999',
        'debug-log-enabled': 'yes please',
        'X-Amzn-Trace-Id': `${TRACE}\r\nX-Injected: 2`,
      },
    })
    const ctx = extractFromEvent(event, { awsRequestId: 'lambda-req-1' })
    await withContext(ctx, () => superagent.get(`${api.url}/hostile`).use(correlate()))
    const { headers } = api.at('/hostile')[0]!
    expect(sightlineHeaders(headers)).toEqual({
      'x-correlation-id': 'apigw-req-1',
      'x-correlation-user-id': 'user-9',
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
    expect(headers['x-injected']).toBeUndefined()
  })

  it('drops unsafe entries of a hand-built context, sends the rest and reports once', async () => {
    const ctx = createContext({
      ids: {
        'x-correlation-id': 'ok-1',
        'x-correlation-evil': 'a\r\nX-Injected: 1',
        'x-correlation-Upper': 'v',
      },
      callChainLength: Number.NaN,
    })
    for (let i = 0; i < 2; i++)
      await withContext(ctx, () => superagent.get(`${api.url}/unsafe`).use(correlate()))
    for (const { headers } of api.at('/unsafe')) {
      expect(sightlineHeaders(headers)).toEqual({ 'x-correlation-id': 'ok-1', 'debug-log-enabled': 'false' })
      expect(headers['x-injected']).toBeUndefined()
    }
    expect(getHttpClientDiagnostics().unsafeHeaders).toBe(3)
    expect(logs.filter((l) => l.code === httpClientCodes.UNSAFE_HEADER)).toHaveLength(1)
  })

  it('sends the request without Sightline headers when the context cannot be read', async () => {
    const broken = {
      get ids(): never {
        throw new Error('corrupted context')
      },
    } as unknown as CorrelationContext
    const res = await withContext(broken, () => superagent.get(`${api.url}/broken`).use(correlate()))
    expect(res.status).toBe(200)
    expect(sightlineHeaders(api.at('/broken')[0]!.headers)).toEqual({})
    expect(getHttpClientDiagnostics().injectionFailures).toBe(1)
    expect(logs.filter((l) => l.code === httpClientCodes.INJECTION_FAILED)).toMatchObject([
      { level: 'warn', err: { message: 'corrupted context' } },
    ])
  })
})

describe('correlate({ hosts })', () => {
  it('sends the headers to allowed hosts only; another gets the request with its own headers', async () => {
    const plugin = correlate({ hosts: ['127.0.0.1'] })
    const res = await withContext(context('h-1'), async () => {
      await superagent.get(`${api.url}/allowed`).use(plugin)
      return superagent.get(`${thirdParty.url}/other`).set('x-api-key', 'k-1').use(plugin)
    })
    expect(sightlineHeaders(api.at('/allowed')[0]!.headers)).toEqual(expected('h-1'))
    expect(res.body).toEqual({ ok: true })
    const other = thirdParty.at('/other')[0]!.headers
    expect(sightlineHeaders(other)).toEqual({})
    expect(other['x-api-key']).toBe('k-1')
  })

  it('takes the headers back when a redirect leads to a host that is not allowed', async () => {
    const to = encodeURIComponent(`${thirdParty.url}/landing`)
    const res = await withContext(context('h-2'), () =>
      superagent
        .get(`${api.url}/redirect-to?to=${to}`)
        .set('x-correlation-session-id', 'callers-choice')
        .use(correlate({ hosts: ['127.0.0.1'] })),
    )
    expect(res.body).toEqual({ ok: true })
    expect(sightlineHeaders(api.at('/redirect-to')[0]!.headers)).toEqual({
      ...expected('h-2'),
      'x-correlation-session-id': 'callers-choice',
    })
    // Ours are taken back; what the caller set on the request is the caller's to send.
    expect(sightlineHeaders(thirdParty.at('/landing')[0]!.headers)).toEqual({
      'x-correlation-session-id': 'callers-choice',
    })
  })

  it('adds the headers when a redirect leads from another host to an allowed one', async () => {
    const to = encodeURIComponent(`${api.url}/welcome`)
    await withContext(context('h-3'), () =>
      superagent.get(`${thirdParty.url}/redirect-to?to=${to}`).use(correlate({ hosts: ['127.0.0.1'] })),
    )
    expect(sightlineHeaders(thirdParty.at('/redirect-to')[0]!.headers)).toEqual({})
    expect(sightlineHeaders(api.at('/welcome')[0]!.headers)).toEqual(expected('h-3'))
  })

  it('uses the options of the last correlate() applied to a request', async () => {
    const agent = superagent.agent().use(correlate())
    await withContext(context('h-4'), () =>
      agent.get(`${thirdParty.url}/twice`).use(correlate({ hosts: ['a.internal'] })),
    )
    expect(sightlineHeaders(thirdParty.at('/twice')[0]!.headers)).toEqual({})
  })

  it('treats a host as not allowed when the predicate throws, and reports it once', async () => {
    const plugin = correlate({
      hosts: () => {
        throw new Error('predicate bug')
      },
    })
    const res = await withContext(context('h-5'), () => superagent.get(`${api.url}/predicate`).use(plugin))
    expect(res.status).toBe(200)
    expect(sightlineHeaders(api.at('/predicate')[0]!.headers)).toEqual({})
    expect(logs.filter((l) => l.code === httpClientCodes.HOST_FILTER_FAILED)).toHaveLength(1)
  })

  it('refuses invalid options when it is created', () => {
    expect(() => correlate({ hosts: ['https://api.example.com/path'] })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
    expect(() => correlate({ hosts: 'api.example.com' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
    expect(() => correlate(null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})

describe('correlate() in a wrapped handler', () => {
  it("carries the invocation's IDs, its trace header and IDs set during the invocation", async () => {
    const handler = wrap(async (event: { downstream: string }) => {
      await superagent.get(`${event.downstream}/first`).use(correlate())
      setCorrelationId('order-id', 'ORD-17')
      await superagent.get(`${event.downstream}/second`).use(correlate())
      return 'done'
    })
    const event = apiGatewayV1Event({
      correlation: { 'x-correlation-id': 'inv-1', 'x-correlation-user-id': 'u-7', 'call-chain-length': '2' },
    })
    const lambda = fakeContext({ awsRequestId: 'req-1', xRayTraceId: TRACE })
    expect(await handler({ ...event, downstream: api.url }, lambda)).toBe('done')
    const first = {
      'x-correlation-id': 'inv-1',
      'x-correlation-user-id': 'u-7',
      'debug-log-enabled': 'false',
      'call-chain-length': '3',
      'x-amzn-trace-id': TRACE,
    }
    expect(sightlineHeaders(api.at('/first')[0]!.headers)).toEqual(first)
    expect(sightlineHeaders(api.at('/second')[0]!.headers)).toEqual({
      ...first,
      'x-correlation-order-id': 'ORD-17',
    })
  })
})

describe('correlate() metrics', () => {
  type Call = [kind: 'histogram' | 'count', name: string, value: number | undefined, tags: unknown]
  const calls: Call[] = []
  const hooks = globalThis as { [METRICS_KEY]?: unknown }
  const install = (hook: unknown) => {
    hooks[METRICS_KEY] = hook
  }
  beforeEach(() => {
    calls.length = 0
    install({
      histogram: (name: string, value: number, tags?: unknown) =>
        void calls.push(['histogram', name, value, tags]),
      count: (name: string, value?: number, tags?: unknown) => void calls.push(['count', name, value, tags]),
    })
  })
  afterEach(() => {
    delete hooks[METRICS_KEY]
  })
  const host = () => api.url.slice('http://'.length)

  it('records latency and a count per host, method and status class, never the path', async () => {
    await withContext(context('m-1'), () =>
      superagent.get(`${api.url}/users/12345/orders?token=secret`).use(correlate()),
    )
    const tags = { host: host(), method: 'GET', status_class: '2xx' }
    expect(calls).toEqual([
      ['histogram', 'http.client.duration', expect.any(Number), tags],
      ['count', 'http.client.requests', 1, tags],
    ])
    expect(calls[0]![2]).toBeGreaterThanOrEqual(0)
    expect(JSON.stringify(calls)).not.toMatch(/users|12345|orders|secret/)
  })

  it.each([
    ['/status/404', '4xx'],
    ['/status/503', '5xx'],
  ])('records %s as %s', async (path, statusClass) => {
    await expect(superagent.post(`${api.url}${path}`).use(correlate())).rejects.toMatchObject({
      status: Number(path.slice(8)),
    })
    expect(calls.map((c) => c[3])).toEqual([
      { host: host(), method: 'POST', status_class: statusClass },
      { host: host(), method: 'POST', status_class: statusClass },
    ])
  })

  it('records a request that got no response as error', async () => {
    const closed = await recordingServer()
    const url = closed.url
    await closed.close()
    await expect(superagent.get(`${url}/gone`).use(correlate())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
    expect(calls[1]).toEqual([
      'count',
      'http.client.requests',
      1,
      { host: url.slice(7), method: 'GET', status_class: 'error' },
    ])
  })

  it('records a redirected request and a retried request once each, with their final status', async () => {
    await superagent.get(`${api.url}/redirect`).use(correlate())
    await superagent.get(`${api.url}/flaky/m-2`).use(correlate()).retry(2)
    expect(calls.filter((c) => c[0] === 'count').map((c) => c[3])).toEqual([
      { host: host(), method: 'GET', status_class: '2xx' },
      { host: host(), method: 'GET', status_class: '2xx' },
    ])
  })

  it('records per callback style: .end(cb) included', async () => {
    await new Promise((resolve) => superagent.get(`${api.url}/cb`).use(correlate()).end(resolve))
    expect(calls.filter((c) => c[0] === 'count')).toHaveLength(1)
  })

  it('completes the request when the recorder throws, and reports it once', async () => {
    install({
      histogram: () => {
        throw new Error('recorder down')
      },
      count: () => {},
    })
    for (let i = 0; i < 2; i++) {
      const res = await superagent.get(`${api.url}/recorder-down`).use(correlate())
      expect(res.status).toBe(200)
    }
    expect(getHttpClientDiagnostics().metricsFailures).toBe(2)
    expect(logs.filter((l) => l.code === httpClientCodes.METRICS_HOOK_FAILED)).toHaveLength(1)
  })

  it('ignores something at the global key that is not a recorder', async () => {
    install({ histogram: 'nope' })
    const res = await superagent.get(`${api.url}/not-a-recorder`).use(correlate())
    expect(res.status).toBe(200)
    expect(getHttpClientDiagnostics().metricsFailures).toBe(0)
  })
})
