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

// superagent calls from wrapped handlers under the official runtime clients: 3.x (nodejs20/22) and 4.x
// (nodejs24.x, and Managed Instances with several invocations in one process). Handlers load the dist.
const dir = fileURLToPath(new URL('./runtime-handlers/', import.meta.url))
const started: LambdaFunction[] = []
afterAll(() => Promise.all(started.map((fn) => fn.stop())))
async function start(ric: RicVersion, maxConcurrency?: number): Promise<LambdaFunction> {
  const options = { handler: `${dir}client.handler`, ric, functionName: 'checkout' }
  const fn = await startFunction(maxConcurrency === undefined ? options : { ...options, maxConcurrency })
  started.push(fn)
  return fn
}

type Call = { path: string; n: string | null; headers: IncomingHttpHeaders }
const received: Call[] = []
const downstream = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  received.push({ path: url.pathname, n: url.searchParams.get('n'), headers: req.headers })
  req.resume().on('end', () => res.end('ok'))
})
let downstreamUrl = ''
beforeAll(async () => {
  await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r))
  downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`
})
afterAll(() => new Promise((r) => downstream.close(r)))
beforeEach(() => {
  received.length = 0
})

const event = (n: number, extra: Record<string, unknown> = {}) => ({
  httpMethod: 'POST',
  path: '/checkout',
  requestContext: { requestId: `apigw-${n}` },
  headers: {
    'X-Correlation-Id': `order-flow-${n}`,
    'x-correlation-user-id': `user-${n}`,
    'call-chain-length': '1',
  },
  body: '{}',
  downstream: downstreamUrl,
  n,
  ...extra,
})
const ok = (res: InvokeResult) => {
  expect(res, JSON.stringify(res.error)).toMatchObject({ ok: true, result: { statuses: [200, 200] } })
}
const headersOf = (n: number, traceId: string) => ({
  'x-correlation-id': `order-flow-${n}`,
  'x-correlation-user-id': `user-${n}`,
  'debug-log-enabled': 'false',
  'call-chain-length': '2',
  'x-amzn-trace-id': traceId,
})

describe.each([3, 4] as const)('a wrapped handler under aws-lambda-ric %i', (ric) => {
  let fn: LambdaFunction
  beforeAll(async () => {
    fn = await start(ric)
  })

  it("sends each invocation's IDs and trace header with the agent and with the plugin", async () => {
    const traces = [newTraceId(true), newTraceId(false)]
    for (const [n, traceId] of traces.entries()) ok(await fn.invoke(event(n), { traceId }))
    expect(received).toHaveLength(4)
    for (const { path, n, headers } of received) {
      const i = Number(n)
      const step = path === '/via-plugin' ? { 'x-correlation-step': `after-${i}` } : {}
      expect(headers).toMatchObject({ ...headersOf(i, traces[i]!), ...step })
      if (path === '/via-client') expect(headers['x-correlation-step']).toBeUndefined()
    }
  })
})

describe('a wrapped handler under aws-lambda-ric 4 with multi-concurrency (Managed Instances)', () => {
  it('keeps every outgoing call with its own invocation while invocations interleave', async () => {
    const fn = await start(4, 3)
    const traces = Array.from({ length: 3 }, () => newTraceId(true))
    // All three wait on one barrier, so they are provably in flight together in one process.
    const results = await Promise.all(
      traces.map((traceId, n) => fn.invoke(event(n, { barrier: { name: 'lmi', parties: 3 } }), { traceId })),
    )
    for (const res of results) ok(res)
    expect(received).toHaveLength(6)
    for (const { n, headers } of received)
      expect(headers).toMatchObject(headersOf(Number(n), traces[Number(n)]!))
  })
})
