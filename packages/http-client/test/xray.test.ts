import { createContext, withContext } from '@sightline/correlation'
import { correlate } from '@sightline/http-client/superagent'
import { captureLogs, type LogCapture } from '@sightline/testing'
import { disableTracing, enableTracing } from '@sightline/xray'
import superagent from 'superagent'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeDaemon, fakeDaemon } from '../../../tools/test-helpers/xray-daemon.js'
import { type RecordingServer, recordingServer } from './servers.js'

// The real tracer (@sightline/xray, a devDependency only) sending to a UDP listener playing the daemon.
let daemon: FakeDaemon
let docs: FakeDaemon['documents']
const until = (check: () => boolean) => daemon.waitFor(check)
const ROOT = '1-5759e988-bd862e3fe1be46a994272793'
const PARENT = '53995c3f42cd8ad8'
const ctx = (sampled: 0 | 1) =>
  createContext({
    ids: { 'x-correlation-id': 'x-1' },
    traceHeader: `Root=${ROOT};Parent=${PARENT};Sampled=${sampled}`,
    source: 'sqs',
  })
const parentOf = (header: unknown) => /Parent=([0-9a-f]{16})/.exec(String(header))?.[1]

let api: RecordingServer
let logs: LogCapture
beforeAll(async () => {
  api = await recordingServer('127.0.0.1')
  daemon = await fakeDaemon()
  docs = daemon.documents
  enableTracing({ enabled: true, daemonAddress: daemon.address })
})
afterAll(async () => {
  await disableTracing()
  await daemon.close()
  await api.close()
})
beforeEach(() => {
  api.received.length = 0
  docs.length = 0
  logs = captureLogs()
})
afterEach(() => logs.restore())

describe('correlate() with @sightline/xray tracing on', () => {
  it("sends the request's own subsegment as Parent; the subsegment hangs under the invocation", async () => {
    await withContext(ctx(1), () => superagent.get(`${api.url}/orders/7?token=s`).use(correlate()))
    await until(() => docs.length === 1)
    const sent = api.at('/orders/7')[0]!.headers['x-amzn-trace-id']
    expect(sent).toBe(`Root=${ROOT};Parent=${docs[0]!.id};Sampled=1`)
    expect(docs[0]).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: PARENT,
      name: api.url.replace('http://', ''),
      namespace: 'remote',
      http: { request: { method: 'GET', url: `${api.url}/orders/7` }, response: { status: 200 } },
      annotations: { correlation_id: 'x-1' },
    })
  })

  it('keeps one subsegment and one header across a redirect', async () => {
    await withContext(ctx(1), () => superagent.get(`${api.url}/redirect`).use(correlate()))
    await until(() => docs.length === 1)
    const [first, second] = [api.at('/redirect')[0]!, api.at('/target')[0]!]
    expect(parentOf(first.headers['x-amzn-trace-id'])).toBe(docs[0]!.id)
    expect(second.headers['x-amzn-trace-id']).toBe(first.headers['x-amzn-trace-id'])
  })

  it('flags a 5xx as a fault and a 4xx as an error', async () => {
    await withContext(ctx(1), async () => {
      await superagent
        .get(`${api.url}/status/503`)
        .use(correlate())
        .ok(() => true)
      await superagent
        .get(`${api.url}/status/404`)
        .use(correlate())
        .ok(() => true)
    })
    await until(() => docs.length === 2)
    expect(docs.map((d) => [d.http.response.status, d.fault ?? false, d.error ?? false])).toEqual([
      [503, true, false],
      [404, false, true],
    ])
  })

  it('sends the context header and no subsegment when unsampled', async () => {
    await withContext(ctx(0), () => superagent.get(`${api.url}/u`).use(correlate()))
    expect(api.at('/u')[0]!.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${PARENT};Sampled=0`)
    await withContext(ctx(1), () => superagent.get(`${api.url}/marker`).use(correlate()))
    await until(() => docs.length === 1)
    expect(docs[0]!.http.request.url).toBe(`${api.url}/marker`)
  })

  it('still traces a host outside `hosts`, but sends it no header', async () => {
    await withContext(ctx(1), () =>
      superagent.get(`${api.url}/third`).use(correlate({ hosts: ['other.example'] })),
    )
    await until(() => docs.length === 1)
    expect(api.at('/third')[0]!.headers['x-amzn-trace-id']).toBeUndefined()
  })

  it('sends the request untraced when the tracer throws, and warns once', async () => {
    const key = Symbol.for('sightline.xray.v1')
    const g = globalThis as Record<symbol, unknown>
    const real = g[key]
    g[key] = {
      startCall: () => {
        throw new Error('tracer broke')
      },
    }
    try {
      await withContext(ctx(1), () => superagent.get(`${api.url}/broken`).use(correlate()))
    } finally {
      g[key] = real
    }
    expect(api.at('/broken')[0]!.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${PARENT};Sampled=1`)
    expect(logs.byLevel('warn')).toMatchObject([{ code: 'ERR_SIGHTLINE_XRAY_HOOK_FAILED' }])
  })
})
