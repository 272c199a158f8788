import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type InvokeResult,
  isNodeAvailable,
  type LambdaFunction,
  newTraceId,
  type RicVersion,
  startFunction,
} from '../../../tools/lambda-harness/index.js'

// wrap() under the official runtime clients: 3.x (nodejs20/22 semantics) and 4.x (nodejs24.x and
// Managed Instances semantics), driven by the repo's Runtime API server. Handlers load the built dist.
const dir = fileURLToPath(new URL('./runtime-handlers/', import.meta.url))
const RICS: RicVersion[] = [3, 4]
const started: LambdaFunction[] = []
async function start(options: Parameters<typeof startFunction>[0]): Promise<LambdaFunction> {
  const fn = await startFunction({ functionName: 'orders', ...options })
  started.push(fn)
  return fn
}
afterAll(() => Promise.all(started.map((fn) => fn.stop())))

const apiEvent = (id: string, extra: Record<string, unknown> = {}) => ({
  httpMethod: 'POST',
  path: '/orders',
  requestContext: { requestId: `apigw-${id}` },
  headers: { 'x-correlation-id': id, 'x-correlation-user-id': `user-of-${id}` },
  body: '{}',
  ...extra,
})
type Result = {
  ids: Record<string, string>
  traceRoot: string | null
  requestId: string
  coldStart: boolean
  style?: string
}
const ok = (res: InvokeResult): Result => {
  expect(res, JSON.stringify(res.error)).toMatchObject({ ok: true })
  return res.result as Result
}
const rootOf = (traceId: string) => /Root=([^;]+)/.exec(traceId)?.[1]

// Records the headers of every outgoing call the handlers make.
const received: IncomingHttpHeaders[] = []
const downstream = createServer((req, res) => {
  received.push(req.headers)
  res.end('ok')
})
let downstreamUrl = ''
beforeAll(async () => {
  await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r))
  downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/`
})
afterAll(() => new Promise((r) => downstream.close(r)))

describe.each(RICS)('wrap() under aws-lambda-ric %i', (ric) => {
  let fn: LambdaFunction
  beforeAll(async () => {
    fn = await start({ handler: `${dir}wrapped.asyncHandler`, ric })
  })

  it('returns the handler result with the IDs, the trace header and the cold start of each invocation', async () => {
    const [t1, t2] = [newTraceId(true), newTraceId(false)]
    const first = ok(await fn.invoke(apiEvent('a-1'), { traceId: t1 }))
    const second = ok(
      await fn.invoke(apiEvent('a-2', { headers: { 'call-chain-length': '4' } }), { traceId: t2 }),
    )
    expect(first).toMatchObject({
      ids: { 'x-correlation-id': 'a-1', 'call-chain-length': '1' },
      coldStart: true,
    })
    expect(second).toMatchObject({
      ids: { 'x-correlation-id': 'apigw-a-2', 'call-chain-length': '5' },
      coldStart: false,
    })
    expect([first.traceRoot, second.traceRoot]).toEqual([rootOf(t1), rootOf(t2)])
    const lines = fn.jsonLines().filter((l) => l.msg === 'handling')
    expect(lines.map((l) => [l['x-correlation-id'], l.traceId, l.awsRequestId])).toEqual([
      ['a-1', rootOf(t1), first.requestId],
      ['apigw-a-2', rootOf(t2), second.requestId],
    ])
  })

  it('flushes what the invocation captured before the runtime posts the response', async () => {
    const results = []
    for (let i = 0; i < 5; i++) results.push(await fn.invoke(apiEvent(`f-${i}`)))
    for (const res of results) {
      const telemetry = fn.events.find(
        (e) => e.kind === 'telemetry' && (e.body as { requestId?: string })?.requestId === res.requestId,
      )
      expect(telemetry, `telemetry of ${res.requestId}`).toBeDefined()
      expect(telemetry!.seq).toBeLessThan(res.seq)
    }
  })

  it('forwards the IDs on outgoing calls', async () => {
    received.length = 0
    ok(await fn.invoke(apiEvent('out-1', { downstream: downstreamUrl })))
    expect(received[0]).toMatchObject({
      'x-correlation-id': 'out-1',
      'x-correlation-user-id': 'user-of-out-1',
      'call-chain-length': '1',
    })
  })

  it('adapts a callback-style handler (4.x refuses unwrapped ones)', async () => {
    const cb = await start({ handler: `${dir}wrapped.callbackHandler`, ric })
    const res = ok(await cb.invoke(apiEvent('cb-1')))
    expect(cb.initError).toBeUndefined()
    expect(res).toMatchObject({ style: 'callback', ids: { 'x-correlation-id': 'cb-1' } })
  })

  it('rethrows the error to the runtime after one error line with the IDs and the cause', async () => {
    const bad = await start({ handler: `${dir}wrapped.throwingHandler`, ric })
    const res = await bad.invoke(apiEvent('err-1'))
    expect(res.ok).toBe(false)
    expect(res.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'order rejected' })
    const errors = bad.jsonLines().filter((l) => l.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({
      'x-correlation-id': 'err-1',
      awsRequestId: res.requestId,
      err: { message: 'order rejected', cause: { message: 'stock is empty' } },
    })
  })

  it('returns its own result within budget when a sink never answers', async () => {
    const slow = await start({ handler: `${dir}wrapped.hangingSink`, ric })
    const res = ok(await slow.invoke(apiEvent('hang-1')))
    expect(res.ids['x-correlation-id']).toBe('hang-1')
  })

  it('writes one parseable JSON line per record with AWS_LAMBDA_LOG_FORMAT=JSON', async () => {
    const json = await start({
      handler: `${dir}wrapped.asyncHandler`,
      ric,
      env: { AWS_LAMBDA_LOG_FORMAT: 'JSON' },
    })
    const res = ok(await json.invoke(apiEvent('json-1')))
    const ours = json.lines.filter((l) => l.includes('"msg":"hand'))
    expect(ours).toHaveLength(2)
    for (const line of ours)
      expect(JSON.parse(line)).toMatchObject({ 'x-correlation-id': 'json-1', awsRequestId: res.requestId })
  })

  it('leaves nothing to send at the next invocation when the sandbox is frozen after each response', async () => {
    const frozen = await start({ handler: `${dir}wrapped.asyncHandler`, ric, freeze: true })
    const results = []
    for (let i = 0; i < 3; i++) results.push(await frozen.invoke(apiEvent(`frz-${i}`)))
    for (const res of results) {
      const telemetry = frozen.events.find(
        (e) => e.kind === 'telemetry' && (e.body as { requestId?: string })?.requestId === res.requestId,
      )
      // Arrived before the response, so before the freeze: nothing was left running.
      expect(telemetry?.seq).toBeLessThan(res.seq)
    }
  })
})

describe('wrap() under aws-lambda-ric 4 with multi-concurrency (Managed Instances)', () => {
  it('keeps IDs, trace headers and outgoing calls with their own invocation when invocations interleave', async () => {
    const fn = await start({ handler: `${dir}wrapped.asyncHandler`, ric: 4, maxConcurrency: 4 })
    received.length = 0
    const traces = Array.from({ length: 4 }, () => newTraceId(true))
    // All four wait on one barrier, so they are provably in flight together in one process.
    const results = await Promise.all(
      traces.map((traceId, i) =>
        fn.invoke(apiEvent(`lmi-${i}`, { barrier: { name: 'lmi', parties: 4 }, downstream: downstreamUrl }), {
          traceId,
        }),
      ),
    )
    results.forEach((res, i) => {
      expect(ok(res)).toMatchObject({
        ids: { 'x-correlation-id': `lmi-${i}` },
        traceRoot: rootOf(traces[i]!),
      })
    })
    const byRequest = new Map(results.map((r, i) => [r.requestId, i]))
    const lines = fn.jsonLines().filter((l) => l.msg === 'handling' || l.msg === 'handled')
    expect(lines).toHaveLength(8)
    for (const line of lines) {
      const i = byRequest.get(line.awsRequestId as string)!
      expect([line['x-correlation-id'], line.traceId]).toEqual([`lmi-${i}`, rootOf(traces[i]!)])
    }
    expect(received.map((h) => h['x-correlation-id']).sort()).toEqual(['lmi-0', 'lmi-1', 'lmi-2', 'lmi-3'])
    for (const h of received) expect(h['x-correlation-user-id']).toBe(`user-of-${h['x-correlation-id']}`)
  })
})

describe('a wrapped streaming handler', () => {
  it.each(RICS)('keeps streaming under aws-lambda-ric %i', async (ric) => {
    const fn = await start({ handler: `${dir}streaming.handler`, ric })
    const res = await fn.invoke(apiEvent('s-1', { name: 'ada' }))
    expect(res).toMatchObject({ ok: true, result: 'id=s-1;name=ada' })
  })
})

describe.each([22, 24] as const)('on Node %i', (node) => {
  it.skipIf(!isNodeAvailable(node))('runs a wrapped handler under both runtime clients', async () => {
    for (const ric of RICS) {
      const fn = await start({ handler: `${dir}wrapped.asyncHandler`, ric, node })
      const traceId = newTraceId(true)
      expect(ok(await fn.invoke(apiEvent(`n${node}-${ric}`), { traceId }))).toMatchObject({
        ids: { 'x-correlation-id': `n${node}-${ric}` },
        traceRoot: rootOf(traceId),
      })
    }
  })
})
