import { wrap } from '@sightline/handler-wrapper'
import { fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { putMetricData } from '../src/cloudwatch.js'
import { builtinMetrics, createMetrics, getMetricsDiagnostics, type MetricsOptions } from '../src/index.js'
import { type FakeCloudWatch, startFakeCloudWatch } from './cloudwatch-server.js'
import { capture, fields } from './helpers.js'

const out = capture()
let cw: FakeCloudWatch
beforeAll(async () => {
  cw = await startFakeCloudWatch()
})
afterAll(() => cw.close())
beforeEach(() => cw.reset())

function setup(sink: Partial<Parameters<typeof putMetricData>[0]> = {}, options: MetricsOptions = {}) {
  const metrics = createMetrics(
    {
      sink: putMetricData({ namespace: 'Orders', client: cw.client(), ...sink }),
      tags: {},
      flushIntervalMs: 0,
      ...options,
    },
    {},
  )
  return {
    metrics,
    handler: (fn: () => unknown, budget = 10_000) =>
      wrap(fn, { plugins: [metrics.plugin()], flushBudgetMs: budget }),
  }
}

const names = () => cw.accepted().map((d) => d.MetricName)

describe('putMetricData() with the wrapper', () => {
  it('sends the invocation’s datums, aggregated, in one request before the handler returns', async () => {
    const { metrics, handler } = setup()
    const fn = handler(async () => {
      metrics.count('orders.placed', 1, { channel: 'web' })
      metrics.count('orders.placed', 2, { channel: 'web' })
      metrics.gauge('queue.depth', 3)
      metrics.gauge('queue.depth', 5)
      metrics.histogram('order.amount', 10)
      metrics.histogram('order.amount', 10)
      metrics.histogram('order.amount', 25)
      return 'ok'
    })
    await expect(fn({}, fakeContext())).resolves.toBe('ok')
    expect(cw.requests).toHaveLength(1)
    const [request] = cw.requests
    expect(request!.headers).toMatchObject({
      'x-amz-target': 'GraniteServiceVersion20100801.PutMetricData',
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-mode': 'true',
    })
    expect(request!.namespace).toBe('Orders')
    const byName = Object.fromEntries(request!.data.map((d) => [d.MetricName, d]))
    expect(byName['orders.placed']).toMatchObject({
      Value: 3,
      Dimensions: [{ Name: 'channel', Value: 'web' }],
    })
    expect(byName['queue.depth']).toMatchObject({ Value: 5 })
    expect(byName['order.amount']).toMatchObject({ Values: [10, 25], Counts: [2, 1] })
    expect(out.metricLines()).toEqual([])
  })

  it('makes no request, and returns no promise, when nothing was recorded', async () => {
    const { metrics, handler } = setup()
    await handler(async () => 'quiet')({}, fakeContext())
    expect(cw.requests).toHaveLength(0)
    const plugin = metrics.plugin()
    const invocation = { context: { ids: {}, parent: undefined } as never }
    plugin.onInvoke(invocation)
    expect(plugin.flush(Date.now() + 1_000, invocation)).toBeUndefined()
  })

  it('splits 2,500 datums into requests of at most 1,000, gzip-encoding the large ones', async () => {
    const { metrics, handler } = setup()
    await handler(async () => {
      for (let i = 0; i < 2_500; i++) metrics.count(`metric.${i}`)
    })({}, fakeContext())
    // The requests go out concurrently, so they may arrive in any order.
    const seen = cw.requests.map((r) => [r.data.length, r.gzip, r.answered] as const)
    expect(seen.sort((a, b) => b[0] - a[0])).toEqual([
      [1000, true, 'ok'],
      [1000, true, 'ok'],
      [500, true, 'ok'],
    ])
    expect(new Set(names()).size).toBe(2_500)
  })

  it('keeps each request under 1 MB when datums are large', async () => {
    const { metrics, handler } = setup({}, { maxTagValues: 1_000 })
    const tags = (i: number) =>
      Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`dim${k}`, `${i}-${'v'.repeat(190)}`]))
    await handler(async () => {
      for (let i = 0; i < 600; i++) metrics.count('wide', 1, tags(i))
    })({}, fakeContext())
    expect(cw.requests.length).toBeGreaterThan(1)
    for (const r of cw.requests) {
      expect(r.answered).toBe('ok')
      expect(r.bytes).toBeLessThanOrEqual(1_000_000)
    }
    expect(cw.accepted()).toHaveLength(600)
  })

  it('sends units and 1-second storage resolution as configured, and time() in milliseconds', async () => {
    const { metrics, handler } = setup({ units: { payload: 'Bytes' }, highResolution: ['payload'] })
    await handler(async () => {
      metrics.histogram('payload', 512)
      metrics.time('work', () => 1)
      metrics.count('plain')
    })({}, fakeContext())
    const byName = Object.fromEntries(cw.accepted().map((d) => [d.MetricName, d]))
    expect(byName.payload).toMatchObject({ Unit: 'Bytes', StorageResolution: 1 })
    expect(byName.work).toMatchObject({ Unit: 'Milliseconds' })
    expect(byName.work?.StorageResolution).toBeUndefined()
    expect(byName.plain?.Unit).toBeUndefined()
  })

  it('splits a histogram with more than 150 distinct values in one second', async () => {
    const { metrics, handler } = setup()
    await handler(async () => {
      for (let i = 0; i < 200; i++) metrics.histogram('latency', i)
    })({}, fakeContext())
    const latency = cw.accepted().filter((d) => d.MetricName === 'latency')
    expect(latency.map((d) => d.Values?.length).reduce((a, b) => a! + b!, 0)).toBe(200)
    for (const d of latency) expect(d.Values!.length).toBeLessThanOrEqual(150)
  })

  it('percent-encodes non-ASCII tag values, which CloudWatch refuses as dimensions', async () => {
    const { metrics, handler } = setup()
    await handler(async () => metrics.count('x', 1, { city: 'Zürich', icon: '🚀' }))({}, fakeContext())
    expect(cw.accepted()[0]?.Dimensions).toEqual([
      { Name: 'city', Value: 'Z%C3%BCrich' },
      { Name: 'icon', Value: '%F0%9F%9A%80' },
    ])
  })

  it('does not send values CloudWatch cannot store, and counts them', async () => {
    const { metrics, handler } = setup()
    await handler(async () => {
      metrics.gauge('huge', 1e300)
      metrics.gauge('tiny', 1e-300)
      metrics.gauge('fine', 0)
    })({}, fakeContext())
    expect(names()).toEqual(['fine'])
    expect(getMetricsDiagnostics().unsendableValues).toBe(2)
  })
})

describe('putMetricData() when CloudWatch misbehaves', () => {
  const record = (metrics: ReturnType<typeof setup>['metrics']) => {
    metrics.count('orders.placed', 2, { channel: 'web' })
    metrics.histogram('order.amount', 7)
  }
  const fallback = () => out.metricLines().map(fields)
  const expectedLines = [
    { value: '2', type: 'count', name: 'orders.placed', tags: 'channel:web' },
    { value: '7', type: 'histogram', name: 'order.amount', tags: undefined },
  ]

  it('retries once after throttling, within the budget', async () => {
    const { metrics, handler } = setup()
    cw.respond('throttle')
    await handler(async () => record(metrics))({}, fakeContext())
    expect(cw.requests.map((r) => r.answered)).toEqual(['throttle', 'ok'])
    expect(names().sort()).toEqual(['order.amount', 'orders.placed'])
    expect(fallback()).toEqual([])
  })

  it.each([
    ['throttled twice', ['throttle', 'throttle'], 2],
    ['400 InvalidParameterValue', ['invalid'], 1],
    ['500', ['error'], 1],
  ] as const)('writes the datums as lines when %s, counts it and warns once', async (_, modes, requests) => {
    const { metrics, handler } = setup()
    cw.respond(...modes)
    await expect(
      handler(async () => {
        record(metrics)
        return 'result'
      })({}, fakeContext()),
    ).resolves.toBe('result')
    expect(cw.requests).toHaveLength(requests)
    expect(fallback()).toEqual(expectedLines)
    expect(getMetricsDiagnostics()).toMatchObject({ failedSends: 1, fallbackLines: 2 })
    expect(out.warnings()).toEqual([
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_METRICS_SEND_FAILED',
        msg: expect.stringContaining('PutMetricData failed'),
      }),
    ])
  })

  it('writes the datums as lines when the endpoint never answers, before the flush deadline', async () => {
    const { metrics } = setup({}, { flushTimeoutMs: 150 })
    cw.respond('hang')
    record(metrics)
    await metrics.flush()
    expect(cw.requests.map((r) => r.answered)).toEqual(['hang'])
    expect(fallback()).toEqual(expectedLines)
    expect(out.warnings()).toEqual([expect.objectContaining({ code: 'ERR_SIGHTLINE_METRICS_NO_TIME' })])
  })

  it('returns the handler’s result within its budget when the endpoint hangs', async () => {
    const { metrics, handler } = setup()
    cw.respond('hang')
    await expect(
      handler(async () => {
        record(metrics)
        return 'mine'
      }, 100)({}, fakeContext()),
    ).resolves.toBe('mine')
  })

  it('warns once per outage: again only after a send succeeded', async () => {
    const { metrics, handler } = setup()
    const invoke = () => handler(async () => record(metrics))({}, fakeContext())
    cw.respond('invalid', 'invalid')
    await invoke()
    await invoke()
    expect(out.warnings()).toHaveLength(1)
    await invoke()
    cw.respond('error')
    await invoke()
    expect(out.warnings()).toHaveLength(2)
  })

  it('reports the failure as sightline.telemetry.failed with the next invocation', async () => {
    const { metrics, handler } = setup()
    cw.respond('error')
    await handler(async () => record(metrics))({}, fakeContext())
    await handler(async () => {})({}, fakeContext())
    expect(cw.accepted()).toContainEqual(
      expect.objectContaining({
        MetricName: builtinMetrics.telemetryFailed,
        Value: 1,
        Dimensions: [{ Name: 'kind', Value: 'put_metric_data' }],
      }),
    )
  })
})

describe('putMetricData() options', () => {
  it.each([[''], ['AWS/Lambda'], ['bad|namespace'], [42]])('refuses the namespace %j', (namespace) => {
    expect(() => putMetricData({ namespace: namespace as string })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })

  it('refuses an unknown unit and a client without send', () => {
    expect(() => putMetricData({ namespace: 'N', units: { x: 'Parsecs' as never } })).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_INVALID_OPTION',
        message: expect.stringContaining('units.x'),
      }),
    )
    expect(() => putMetricData({ namespace: 'N', client: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})
