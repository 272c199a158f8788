import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { codes, createContext, withContext } from '@sightline/correlation'
import { correlation } from '@sightline/handler-wrapper/express'
import { type Output, setOutput } from '@sightline/logger'
import express from 'express'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { disableTracing, startCall, traced, xrayMiddleware } from '../src/index.js'
import { type FakeDaemon, fakeDaemon, ids, traceHeader } from './daemon.js'

let restore: Output
beforeEach(() => {
  restore = setOutput({ write: () => {} }) // access lines
})
afterEach(() => setOutput(restore))

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const close = async (server: Server) => {
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
}

// The next service: records the trace header each call brought.
const received: Array<{ path: string; trace: IncomingHttpHeaders[string] }> = []
const downstream = createServer((req, res) => {
  received.push({ path: req.url ?? '', trace: req.headers['x-amzn-trace-id'] })
  res.end('ok')
})
let downstreamUrl = ''

/** An outgoing call as http-client will make it with the hook: its header, then end() with the status. */
async function call(path: string): Promise<number> {
  const traced = startCall({
    kind: 'http',
    name: '127.0.0.1',
    http: { method: 'GET', url: downstreamUrl + path },
  })
  const res = await fetch(downstreamUrl + path, {
    headers: traced ? { 'x-amzn-trace-id': traced.traceHeader } : {},
  })
  await res.arrayBuffer()
  traced?.end({ status: res.status })
  return res.status
}

// As a service configures it: the environment turns tracing on and names the daemon.
let env: Record<string, string> = {}
function app(lambdaContext?: ReturnType<typeof createContext>) {
  const a = express()
  if (lambdaContext) a.use((_req, _res, next) => withContext(lambdaContext, next))
  a.use(correlation())
  a.use(xrayMiddleware({ name: 'orders-api', sampleRate: 1, env }))
  a.get('/orders/:id', async (req, res) => {
    if (req.query.wait) await gate(String(req.query.wait))
    await call(`/stock/${req.params.id}`)
    const price = await traced('price order', () => 12)
    res.status(Number(req.query.status ?? 200)).json({ price })
  })
  return a
}

// Lets requests wait for each other, so they are provably in flight together.
const gates = new Map<string, { count: number; open: () => void; opened: Promise<void> }>()
function gate(name: string): Promise<void> {
  let g = gates.get(name)
  if (g === undefined) {
    let open!: () => void
    const opened = new Promise<void>((r) => (open = r))
    g = { count: 0, open, opened }
    gates.set(name, g)
  }
  if (++g.count === 2) g.open()
  return g.opened
}

let daemon: FakeDaemon
let server: Server
let url = ''
beforeAll(async () => {
  daemon = await fakeDaemon()
  downstreamUrl = await listen(downstream)
  env = { SIGHTLINE_TRACING: 'true', AWS_XRAY_DAEMON_ADDRESS: daemon.address }
  server = createServer(app())
  url = await listen(server)
})
afterAll(async () => {
  await close(server)
  await close(downstream)
  await disableTracing()
  await daemon.close()
})

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url + path, { headers })
  await res.arrayBuffer()
  return res.status
}
const sentFor = (path: string) => received.filter((r) => r.path === path).map((r) => r.trace)

describe('xrayMiddleware()', () => {
  it("sends a segment per request under the caller's trace, with the request's calls under it", async () => {
    const { root, parent } = ids()
    expect(
      await get('/orders/1?token=secret', {
        'x-amzn-trace-id': traceHeader(root, parent),
        'x-correlation-id': 'c-1',
      }),
    ).toBe(200)
    const docs = await daemon.trace(root, 3)
    const segment = docs.find((d) => d.name === 'orders-api')!
    expect(segment).toMatchObject({
      trace_id: root,
      parent_id: parent,
      http: { request: { method: 'GET', url: `${url}/orders/1` }, response: { status: 200 } },
      annotations: { correlation_id: 'c-1' },
    })
    expect(segment).not.toHaveProperty('type')
    expect(segment).not.toHaveProperty('in_progress')
    const stock = docs.find((d) => d.name === '127.0.0.1')!
    expect(stock).toMatchObject({
      type: 'subsegment',
      parent_id: segment.id,
      http: { response: { status: 200 } },
    })
    expect(docs.find((d) => d.name === 'price order')!.parent_id).toBe(segment.id)
    expect(sentFor('/stock/1')).toEqual([`Root=${root};Parent=${stock.id};Sampled=1`])
  })

  it('starts a new trace when the request brings none', async () => {
    await get('/orders/2', { 'x-correlation-id': 'new-trace' })
    const [header] = sentFor('/stock/2')
    const root = /Root=([^;]+)/.exec(String(header))![1]!
    expect(root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    const docs = await daemon.trace(root, 3)
    const segment = docs.find((d) => d.name === 'orders-api')!
    expect(segment).not.toHaveProperty('parent_id')
    expect(segment.annotations).toEqual({ correlation_id: 'new-trace' })
  })

  it('sends nothing for Sampled=0 and passes the decision on', async () => {
    const { root, parent } = ids()
    await get('/orders/3', { 'x-amzn-trace-id': traceHeader(root, parent, '0') })
    expect(sentFor('/stock/3')).toEqual([traceHeader(root, parent, '0')])
    const marker = ids()
    await get('/orders/4', { 'x-amzn-trace-id': traceHeader(marker.root, marker.parent) })
    await daemon.trace(marker.root, 3)
    expect(daemon.documents.filter((d) => d.trace_id === root)).toEqual([])
  })

  it('keeps the calls of concurrent requests under their own segment', async () => {
    const a = ids()
    const b = ids()
    await Promise.all([
      get('/orders/a?wait=ab', { 'x-amzn-trace-id': traceHeader(a.root, a.parent) }),
      get('/orders/b?wait=ab', { 'x-amzn-trace-id': traceHeader(b.root, b.parent) }),
    ])
    for (const [id, { root }] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const docs = await daemon.trace(root, 3)
      const segment = docs.find((d) => d.name === 'orders-api')!
      const stock = docs.find((d) => d.name === '127.0.0.1')!
      expect(stock.parent_id).toBe(segment.id)
      expect(sentFor(`/stock/${id}`)).toEqual([`Root=${root};Parent=${stock.id};Sampled=1`])
    }
  })

  it.each([
    [500, { fault: true }],
    [404, { error: true }],
    [429, { error: true, throttle: true }],
  ])('flags a %i response on the segment', async (status, flags) => {
    const { root, parent } = ids()
    expect(await get(`/orders/9?status=${status}`, { 'x-amzn-trace-id': traceHeader(root, parent) })).toBe(
      status,
    )
    const segment = (await daemon.trace(root, 3)).find((d) => d.name === 'orders-api')
    expect(segment).toMatchObject({ ...flags, http: { response: { status } } })
  })

  it("opens no segment under a Lambda invocation's context: the calls hang under Lambda's segment", async () => {
    const { root, parent } = ids()
    const invocation = createContext({ traceHeader: traceHeader(root, parent), source: 'api-gateway-rest' })
    const lambdaApp = createServer(app(invocation))
    const lambdaUrl = await listen(lambdaApp)
    try {
      await fetch(`${lambdaUrl}/orders/5`).then((r) => r.arrayBuffer())
    } finally {
      await close(lambdaApp)
    }
    const docs = await daemon.trace(root, 2)
    expect(docs.map((d) => d.name).sort()).toEqual(['127.0.0.1', 'price order'])
    expect(docs.every((d) => d.parent_id === parent)).toBe(true)
  })

  it('passes requests through when tracing is off', async () => {
    const middleware = xrayMiddleware({ env: {} })
    let called = 0
    middleware({} as never, {} as never, () => called++)
    expect(called).toBe(1)
  })

  it.each([[{ sampleRate: 2 }], [{ sampleRate: '0.5' }], [{ name: '' }], [{ name: 3 }], ['x']])(
    'throws ERR_SIGHTLINE_INVALID_OPTION for %j',
    (options) => {
      expect(() => xrayMiddleware(options as never)).toThrow(
        expect.objectContaining({ code: codes.INVALID_OPTION }),
      )
    },
  )
})
