import { codes } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { type Output, setOutput } from '@sightline/logger'
import { fakeContext, sqsEvent } from '@sightline/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { disableTracing, isTracing, startCall, traced, xrayPlugin } from '../src/index.js'
import { deadPort, type FakeDaemon, fakeDaemon, ids, traceHeader } from './daemon.js'

const event = (id: string) => ({
  headers: { 'x-correlation-id': id },
  requestContext: { requestId: id },
  httpMethod: 'GET',
  path: '/',
})

async function work() {
  const call = startCall({
    kind: 'http',
    name: 'orders.internal',
    http: { method: 'GET', url: 'http://orders.internal/1' },
  })
  await new Promise((r) => setTimeout(r, 5))
  call?.end({ status: 200 })
  await traced('price order', async () => 12)
  return call?.traceHeader ?? null
}

describe('xrayPlugin() with tracing on', () => {
  let daemon: FakeDaemon
  let handler: (event: unknown, context: unknown) => Promise<string | null>
  beforeAll(async () => {
    daemon = await fakeDaemon()
    handler = wrap(work, { plugins: [xrayPlugin({ enabled: true, daemonAddress: daemon.address })] })
  })
  afterAll(async () => {
    await disableTracing()
    await daemon.close()
  })

  it("sends each concurrent invocation's subsegments under its own Root and Parent", async () => {
    const traces = [ids(), ids(), ids()]
    const headers = await Promise.all(
      traces.map(({ root, parent }, i) =>
        handler(event(`inv-${i}`), fakeContext({ xRayTraceId: traceHeader(root, parent) })),
      ),
    )
    for (const [i, { root, parent }] of traces.entries()) {
      const docs = await daemon.trace(root, 2)
      expect(docs.every((d) => d.parent_id === parent && d.annotations.correlation_id === `inv-${i}`)).toBe(
        true,
      )
      expect(docs.map((d) => d.name).sort()).toEqual(['orders.internal', 'price order'])
      const call = docs.find((d) => d.name === 'orders.internal')!
      expect(headers[i]).toBe(`Root=${root};Parent=${call.id};Sampled=1`)
    }
  })

  it('makes the wrapper wait for subsegments still in flight, and then for nothing', async () => {
    const { root, parent } = ids()
    const plugin = xrayPlugin()
    await wrap(async () => {
      startCall({ kind: 'aws', name: 'SQS' })!.end()
      const pending = plugin.flush()
      expect(pending).toBeInstanceOf(Promise)
      await pending
      expect(plugin.flush()).toBeUndefined()
    })(event('flushed'), fakeContext({ xRayTraceId: traceHeader(root, parent) }))
    await daemon.trace(root)
  })

  it('gives the wrapper nothing to wait for when nothing is in flight', () => {
    expect(xrayPlugin().flush()).toBeUndefined()
  })

  it('traces each record of a batch under the invocation', async () => {
    const { root, parent } = ids()
    const batch = wrap(
      async (e: { Records: unknown[] }) => {
        for (const _ of e.Records) await work()
        return 'ok'
      },
      { plugins: [xrayPlugin()] },
    )
    await batch(
      sqsEvent({ records: [{ body: '{}' }, { body: '{}' }] }),
      fakeContext({ xRayTraceId: traceHeader(root, parent) }),
    )
    const docs = await daemon.trace(root, 4)
    expect(docs.every((d) => d.parent_id === parent)).toBe(true)
  })
})

describe('xrayPlugin() without a daemon', () => {
  let restore: Output
  beforeEach(() => {
    restore = setOutput({ write: () => {} }) // the handler's own error line
  })
  afterEach(async () => {
    setOutput(restore)
    await disableTracing()
  })

  it('returns the handler result and rethrows its error unchanged', async () => {
    const plugin = xrayPlugin({ enabled: true, daemonAddress: await deadPort() })
    const { root, parent } = ids()
    const context = () => fakeContext({ xRayTraceId: traceHeader(root, parent) })
    const ok = wrap(async () => ({ statusCode: 200, header: await work() }), { plugins: [plugin] })
    expect(await ok(event('d-1'), context())).toMatchObject({
      statusCode: 200,
      header: expect.stringContaining(root),
    })
    const error = new Error('handler failed')
    const failing = wrap(
      async () => {
        await work()
        throw error
      },
      { plugins: [plugin] },
    )
    await expect(failing(event('d-2'), context())).rejects.toBe(error)
  })
})

describe('xrayPlugin() with tracing off', () => {
  it('traces nothing and loads nothing', async () => {
    const plugin = xrayPlugin({ env: {} })
    expect(isTracing()).toBe(false)
    const handler = wrap(work, { plugins: [plugin] })
    const { root, parent } = ids()
    expect(await handler(event('off'), fakeContext({ xRayTraceId: traceHeader(root, parent) }))).toBeNull()
    expect(plugin.flush()).toBeUndefined()
  })

  it('throws ERR_SIGHTLINE_INVALID_OPTION for options that are not an object', () => {
    expect(() => xrayPlugin('on' as never)).toThrow(expect.objectContaining({ code: codes.INVALID_OPTION }))
  })
})
