import { createContext, withContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { fakeContext } from '@sightline/testing'
import { describe, expect, it } from 'vitest'
import { createMetrics, type Datum, getMetricsDiagnostics, metricsCodes, type Sink } from '../src/index.js'
import { capture, fields } from './helpers.js'

const out = capture()
const noEnv = {}

/** A sink that keeps what it is sent, to look at the datums a buffering sink receives. */
function keepingSink(): Sink & { sent: Datum[][] } {
  const sent: Datum[][] = []
  return { name: 'keeping', sent, send: (datums) => void sent.push([...datums]) }
}

describe('createMetrics() writing lines (the default)', () => {
  it('writes one MONITORING line per call, at the call, with epoch seconds', () => {
    const metrics = createMetrics({}, noEnv)
    const before = Math.floor(Date.now() / 1000)
    metrics.count('orders.placed')
    expect(out.metricLines()).toHaveLength(1)
    metrics.gauge('queue.depth', 42.5)
    metrics.histogram('order.amount', -3)
    const after = Math.floor(Date.now() / 1000)
    const lines = out.metricLines()
    expect(lines.map(fields)).toEqual([
      { value: '1', type: 'count', name: 'orders.placed', tags: undefined },
      { value: '42.5', type: 'gauge', name: 'queue.depth', tags: undefined },
      { value: '-3', type: 'histogram', name: 'order.amount', tags: undefined },
    ])
    for (const line of lines) {
      const seconds = Number(line.split('|')[1])
      expect(seconds).toBeGreaterThanOrEqual(before)
      expect(seconds).toBeLessThanOrEqual(after)
    }
  })

  it('adds the default tags from the environment, then the call tags', () => {
    const metrics = createMetrics(
      {},
      { SIGHTLINE_SERVICE: 'orders', SIGHTLINE_ENVIRONMENT: 'prod', AWS_LAMBDA_FUNCTION_NAME: 'orders-api' },
    )
    metrics.count('orders.placed', 2, { channel: 'web', retried: false, attempt: 3 })
    metrics.count('orders.placed', 1, { env: 'staging' })
    expect(out.metricLines().map((l) => fields(l).tags)).toEqual([
      'service:orders,env:prod,function_name:orders-api,channel:web,retried:false,attempt:3',
      'service:orders,env:staging,function_name:orders-api',
    ])
  })

  it('uses the `tags` option instead of the environment defaults', () => {
    createMetrics({ tags: { team: 'payments' } }, { SIGHTLINE_SERVICE: 'orders' }).count('x')
    expect(fields(out.metricLines()[0]!).tags).toBe('team:payments')
  })

  it('writes the same lines inside a wrapped handler, before it returns, and from module scope', async () => {
    const metrics = createMetrics({}, noEnv)
    metrics.count('module.loaded')
    const handler = wrap(async () => {
      metrics.count('inside.handler')
      expect(out.metricLines().map((l) => fields(l).name)).toEqual(['module.loaded', 'inside.handler'])
      return 'ok'
    })
    await expect(handler({}, fakeContext())).resolves.toBe('ok')
  })

  it('drops a non-finite or non-number value, counts it and warns once', () => {
    const metrics = createMetrics({}, noEnv)
    metrics.gauge('bad', Number.NaN)
    metrics.gauge('bad', Number.POSITIVE_INFINITY)
    metrics.count('bad', Number.NEGATIVE_INFINITY)
    metrics.histogram('bad', '12' as unknown as number)
    expect(out.metricLines()).toEqual([])
    expect(getMetricsDiagnostics().invalidValues).toBe(4)
    expect(out.warnings()).toEqual([
      expect.objectContaining({ code: metricsCodes.METRICS_DROPPED, metric: 'bad' }),
    ])
  })

  it('never throws into the caller, whatever it is given', () => {
    const metrics = createMetrics({}, noEnv)
    const weird = [undefined, null, 42, {}, Symbol('x'), '', '|||', '\n']
    for (const name of weird) {
      for (const tags of [undefined, null, 7, 'str', { k: Symbol('s') }, { k: {} }, { k: () => 1 }]) {
        expect(() => metrics.count(name as string, 1, tags as never)).not.toThrow()
      }
    }
  })

  it('records a duration in ms with time(), returning what the function returns or throws', async () => {
    const sink = keepingSink()
    const metrics = createMetrics({ sink, flushIntervalMs: 0 }, noEnv)
    expect(metrics.time('sync.work', () => 7)).toBe(7)
    const failure = new Error('no')
    expect(() =>
      metrics.time('sync.fail', () => {
        throw failure
      }),
    ).toThrow(failure)
    const promise = Promise.resolve('done')
    expect(metrics.time('async.work', () => promise)).toBe(promise)
    await promise
    await expect(metrics.time('async.fail', () => Promise.reject(failure))).rejects.toBe(failure)
    await metrics.flush()
    const datums = sink.sent.flat()
    expect(datums.map((d) => [d.name, d.type, d.unit])).toEqual([
      ['sync.work', 'histogram', 'Milliseconds'],
      ['sync.fail', 'histogram', 'Milliseconds'],
      ['async.work', 'histogram', 'Milliseconds'],
      ['async.fail', 'histogram', 'Milliseconds'],
    ])
    for (const d of datums) expect(d.value).toBeGreaterThanOrEqual(0)
  })

  it.each([
    [{ sink: {} }, 'sink'],
    [{ tags: { a: 1 } }, 'tags.a'],
    [{ maxTagValues: 0 }, 'maxTagValues'],
    [{ refuseTag: 'id' }, 'refuseTag'],
    [{ flushIntervalMs: -1 }, 'flushIntervalMs'],
    [{ flushTimeoutMs: Number.NaN }, 'flushTimeoutMs'],
  ])('refuses invalid options at construction: %j', (options, name) => {
    expect(() => createMetrics(options as never, noEnv)).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGHTLINE_INVALID_OPTION',
        message: expect.stringContaining(`\`${name}\``),
      }),
    )
  })
})

describe('createMetrics() with a buffering sink', () => {
  it('keeps each invocation’s datums apart, even when invocations overlap', async () => {
    const sink = keepingSink()
    const metrics = createMetrics({ sink, flushIntervalMs: 0 }, noEnv)
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const handler = wrap(
      async (event: { id: string; wait: boolean }) => {
        metrics.count('work', 1, { invocation: event.id })
        if (event.wait) await gate
        metrics.count('work.done', 1, { invocation: event.id })
        return event.id
      },
      { plugins: [metrics.plugin()] },
    )
    const first = handler({ id: 'a', wait: true }, fakeContext())
    const second = handler({ id: 'b', wait: false }, fakeContext())
    await second
    release()
    await first
    expect(sink.sent.map((batch) => batch.map((d) => `${d.name}${d.tags.text}`))).toEqual([
      ['work|#invocation:b', 'work.done|#invocation:b'],
      ['work|#invocation:a', 'work.done|#invocation:a'],
    ])
  })

  it('sends what was recorded outside invocations with the next flush', async () => {
    const sink = keepingSink()
    const metrics = createMetrics({ sink, flushIntervalMs: 0 }, noEnv)
    metrics.count('at.init')
    withContext(createContext({ source: 'http' }), () => metrics.count('in.a.request'))
    const handler = wrap(async () => metrics.count('in.handler'), { plugins: [metrics.plugin()] })
    await handler({}, fakeContext())
    expect(sink.sent.map((b) => b.map((d) => d.name))).toEqual([['in.handler', 'at.init', 'in.a.request']])
  })

  it('writes lines instead when one buffer passes 10,000 datums (nothing lost)', async () => {
    const sink = keepingSink()
    const metrics = createMetrics({ sink, flushIntervalMs: 0 }, noEnv)
    for (let i = 0; i < 10_005; i++) metrics.count('many')
    expect(out.metricLines()).toHaveLength(5)
    await metrics.flush()
    expect(sink.sent[0]).toHaveLength(10_000)
    expect(getMetricsDiagnostics().fallbackLines).toBe(5)
  })

  it('contains a sink that throws or rejects', async () => {
    const throwing = createMetrics(
      {
        sink: {
          name: 'throws',
          send: () => {
            throw new Error('boom')
          },
        },
      },
      noEnv,
    )
    const rejecting = createMetrics(
      { sink: { name: 'rejects', send: () => Promise.reject(new Error('boom')) } },
      noEnv,
    )
    for (const m of [throwing, rejecting]) {
      m.count('x')
      await expect(m.close()).resolves.toBeUndefined()
    }
  })
})
