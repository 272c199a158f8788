import { wrap } from '@sightline/handler-wrapper'
import { fakeContext } from '@sightline/testing'
import { describe, expect, it } from 'vitest'
import {
  createMetrics,
  EMF_MAX_METRICS,
  EMF_MAX_VALUES,
  emf,
  getMetricsDiagnostics,
  resetMetricsDiagnostics,
} from '../src/index.js'
import { capture } from './helpers.js'

const out = capture()

type Doc = Record<string, unknown> & {
  _aws: {
    Timestamp: number
    CloudWatchMetrics: Array<{
      Namespace: string
      Dimensions: string[][]
      Metrics: Array<{ Name: string; Unit?: string; StorageResolution?: number }>
    }>
  }
}
const docs = (): Doc[] =>
  out
    .logs()
    .lines.filter((l) => l.startsWith('{"_aws"'))
    .map((l) => JSON.parse(l) as Doc)

function run(record: (m: ReturnType<typeof createMetrics>) => void, sink = emf({ namespace: 'Orders' })) {
  const metrics = createMetrics(
    { sink, tags: { service: 'orders' }, flushIntervalMs: 0, maxTagValues: 1000 },
    {},
  )
  return wrap(async () => record(metrics), { plugins: [metrics.plugin()] })({}, fakeContext())
}

describe('emf()', () => {
  it('writes one EMF document per tag set at flush, the tags as its dimensions', async () => {
    const before = Date.now()
    await run((m) => {
      m.count('orders.placed')
      m.count('orders.placed', 2)
      m.histogram('order.amount', 12)
      m.histogram('order.amount', 30)
      m.gauge('queue.depth', 4, { queue: 'main' })
    })
    const [plain, queue] = docs()
    expect(docs()).toHaveLength(2)
    expect(plain).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'Orders',
            Dimensions: [['service']],
            Metrics: [{ Name: 'orders.placed' }, { Name: 'order.amount' }],
          },
        ],
      },
      service: 'orders',
      'orders.placed': 3,
      'order.amount': [12, 30],
    })
    expect(plain!._aws.Timestamp).toBeGreaterThanOrEqual(before)
    expect(queue).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service', 'queue']] }] },
      queue: 'main',
      'queue.depth': 4,
    })
  })

  it(`splits documents at ${EMF_MAX_METRICS} metrics and metrics at ${EMF_MAX_VALUES} values`, async () => {
    await run((m) => {
      for (let i = 0; i < 250; i++) m.gauge(`g${i}`, i)
      for (let i = 0; i < 230; i++) m.histogram('latency', i)
    })
    const all = docs()
    for (const doc of all) {
      const metrics = doc._aws.CloudWatchMetrics[0]!.Metrics
      expect(metrics.length).toBeGreaterThan(0)
      expect(metrics.length).toBeLessThanOrEqual(EMF_MAX_METRICS)
      for (const { Name } of metrics) {
        const v = doc[Name]
        expect(Array.isArray(v) ? v.length : 1).toBeLessThanOrEqual(EMF_MAX_VALUES)
      }
    }
    const latency = all.flatMap((d) =>
      d.latency === undefined ? [] : ([] as number[]).concat(d.latency as number),
    )
    expect(latency).toEqual(Array.from({ length: 230 }, (_, i) => i))
    expect(all.flatMap((d) => Object.keys(d).filter((k) => /^g\d+$/.test(k)))).toHaveLength(250)
  })

  it('keeps at most 30 dimensions, and writes no document when nothing was recorded', async () => {
    await run((m) =>
      m.count('wide', 1, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`t${i}`, 'v']))),
    )
    expect(docs()[0]!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toHaveLength(30)
    out.logs().clear()
    resetMetricsDiagnostics() // the dropped tags above would be reported with the next flush
    await run(() => {})
    expect(out.logs().lines).toEqual([])
  })

  it('declares units and 1-second storage resolution, time() in milliseconds', async () => {
    await run(
      (m) => {
        m.histogram('payload', 512)
        m.time('work', () => 1)
      },
      emf({ namespace: 'Orders', units: { payload: 'Bytes' }, highResolution: true }),
    )
    expect(docs()[0]!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([
      { Name: 'payload', Unit: 'Bytes', StorageResolution: 1 },
      { Name: 'work', Unit: 'Milliseconds', StorageResolution: 1 },
    ])
  })

  it('drops a metric named like a dimension, and values CloudWatch cannot store, counting them', async () => {
    await run((m) => {
      m.count('service')
      m.gauge('huge', 1e300)
      m.count('kept')
    })
    expect(docs()).toHaveLength(1)
    expect(docs()[0]).toMatchObject({ service: 'orders', kept: 1 })
    expect(getMetricsDiagnostics().unsendableValues).toBe(2)
  })

  it('refuses an invalid namespace at construction', () => {
    expect(() => emf({ namespace: 'AWS/Lambda' })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})
