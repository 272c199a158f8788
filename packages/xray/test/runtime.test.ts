import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type InvokeResult,
  type LambdaFunction,
  newTraceId,
  type RicVersion,
  startFunction,
} from '../../../tools/lambda-harness/index.js'
import { type FakeDaemon, fakeDaemon } from './daemon.js'

// A wrapped handler with xrayPlugin() under the official runtime clients: 3.x (nodejs20/22) and 4.x
// (nodejs24.x, and Managed Instances with several invocations in one process). It loads the built dist.
const dir = fileURLToPath(new URL('./runtime-handlers/', import.meta.url))
const started: LambdaFunction[] = []
afterAll(() => Promise.all(started.map((fn) => fn.stop())))

let daemon: FakeDaemon
const received: Array<{ path: string; n: string | null; headers: IncomingHttpHeaders }> = []
const downstream = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  received.push({ path: url.pathname, n: url.searchParams.get('n'), headers: req.headers })
  res.end('ok')
})
let downstreamUrl = ''
beforeAll(async () => {
  daemon = await fakeDaemon()
  await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r))
  downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((r) => downstream.close(r))
  await daemon.close()
})
beforeEach(() => {
  received.length = 0
})

async function start(ric: RicVersion, extra: Partial<Parameters<typeof startFunction>[0]> = {}) {
  const fn = await startFunction({
    handler: `${dir}traced.handler`,
    ric,
    functionName: 'checkout',
    ...extra,
    env: { SIGHTLINE_TRACING: 'true', AWS_XRAY_DAEMON_ADDRESS: daemon.address, ...extra.env },
  })
  started.push(fn)
  return fn
}
const event = (n: number, extra: Record<string, unknown> = {}) => ({
  headers: { 'x-correlation-id': `order-${n}` },
  requestContext: { requestId: `apigw-${n}` },
  httpMethod: 'POST',
  path: '/checkout',
  downstream: downstreamUrl,
  n,
  ...extra,
})
const ok = (res: InvokeResult) => {
  expect(res, JSON.stringify(res.error)).toMatchObject({ ok: true, result: { statuses: [200, 200] } })
  return res.result as { sdkModules: number }
}
const part = (header: string, key: string) => new RegExp(`${key}=([^;]+)`).exec(header)?.[1]

/** The three subsegments of invocation n, checked against its trace header and what downstream got. */
async function expectTraced(n: number, traceId: string) {
  const root = part(traceId, 'Root')!
  const docs = await daemon.trace(root, 3)
  expect(docs).toHaveLength(3)
  const checkout = docs.find((d) => d.name === 'checkout')!
  const calls = docs.filter((d) => d.name === '127.0.0.1')
  expect(checkout).toMatchObject({
    parent_id: part(traceId, 'Parent'),
    annotations: { correlation_id: `order-${n}`, order: n },
  })
  const pay = received.find((r) => r.path === '/pay' && r.n === String(n))!
  const stock = received.find((r) => r.path === '/stock' && r.n === String(n))!
  const payDoc = calls.find((d) => d.id === part(String(pay.headers['x-amzn-trace-id']), 'Parent'))!
  const stockDoc = calls.find((d) => d.id === part(String(stock.headers['x-amzn-trace-id']), 'Parent'))!
  expect(payDoc.parent_id).toBe(checkout.id)
  expect(stockDoc.parent_id).toBe(part(traceId, 'Parent'))
  for (const { headers } of [pay, stock]) {
    expect(headers).toMatchObject({ 'x-correlation-id': `order-${n}` })
    expect(headers['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=1$`))
  }
  for (const doc of calls)
    expect(doc).toMatchObject({ namespace: 'remote', http: { response: { status: 200 } } })
}

describe.each([3, 4] as const)('a wrapped handler under aws-lambda-ric %i', (ric) => {
  let fn: LambdaFunction
  beforeAll(async () => {
    fn = await start(ric)
  })

  it('sends the subsegments of each invocation under its own Root and Parent', async () => {
    const traces = [newTraceId(true), newTraceId(true)]
    for (const [n, traceId] of traces.entries()) ok(await fn.invoke(event(n), { traceId }))
    for (const [n, traceId] of traces.entries()) await expectTraced(n, traceId)
  })

  it('sends nothing for an unsampled invocation and forwards its header as it came', async () => {
    const unsampled = newTraceId(false)
    ok(await fn.invoke(event(7), { traceId: unsampled }))
    expect(received.map((r) => r.headers['x-amzn-trace-id'])).toEqual([unsampled, unsampled])
    const marker = newTraceId(true)
    ok(await fn.invoke(event(8), { traceId: marker }))
    await expectTraced(8, marker)
    expect(daemon.documents.filter((d) => d.trace_id === part(unsampled, 'Root'))).toEqual([])
  })
})

describe('a wrapped handler under aws-lambda-ric 4 with multi-concurrency (Managed Instances)', () => {
  it('hangs the subsegments of interleaved invocations under their own Root', async () => {
    const fn = await start(4, { maxConcurrency: 3 })
    const traces = Array.from({ length: 3 }, () => newTraceId(true))
    // All three wait on one barrier, so they are provably in flight together in one process.
    const results = await Promise.all(
      traces.map((traceId, n) => fn.invoke(event(n, { barrier: { name: 'lmi', parties: 3 } }), { traceId })),
    )
    for (const res of results) ok(res)
    for (const [n, traceId] of traces.entries()) await expectTraced(n, traceId)
  })
})

describe('a frozen sandbox', () => {
  it('has sent every subsegment before the runtime is frozen after the response', async () => {
    const fn = await start(3, { freeze: true })
    const traceId = newTraceId(true)
    const res = await fn.invoke(event(1), { traceId })
    ok(res)
    // No further invocation thaws it: what arrives was sent before the response.
    await fn.waitFor(() => fn.events.some((e) => e.kind === 'freeze' && e.seq > res.seq), {
      what: 'the freeze',
    })
    await expectTraced(1, traceId)
  })
})

describe('tracing off', () => {
  it('loads nothing of aws-xray-sdk-core and forwards the header as it came', async () => {
    const fn = await start(4, { env: { SIGHTLINE_TRACING: 'false' } })
    const traceId = newTraceId(true)
    expect(ok(await fn.invoke(event(1), { traceId })).sdkModules).toBe(0)
    expect(received.map((r) => r.headers['x-amzn-trace-id'])).toEqual([traceId, traceId])
  })
})
