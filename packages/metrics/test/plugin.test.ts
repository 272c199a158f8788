import { createContext } from '@sightline/correlation'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { apiGatewayV1Event, fakeContext, sqsEvent } from '@sightline/testing'
import { describe, expect, it } from 'vitest'
import { builtinMetrics, createMetrics } from '../src/index.js'
import { capture, fields } from './helpers.js'

const out = capture()
const lines = () => out.metricLines().map(fields)
const newMetrics = () => createMetrics({ tags: {} }, {})

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r))
}

describe('metrics.plugin()', () => {
  it('counts a cold start when the invocation is one', () => {
    const plugin = newMetrics().plugin()
    const lambda = { coldStart: true } as never
    plugin.onInvoke({ context: createContext({ lambda }) })
    plugin.onInvoke({ context: createContext({ lambda: { coldStart: false } as never }) })
    expect(lines()).toEqual([{ value: '1', type: 'count', name: builtinMetrics.coldStarts, tags: undefined }])
  })

  it('counts a failed invocation by error type, and rethrows the same error', async () => {
    const metrics = newMetrics()
    const failure = new TypeError('bad order')
    const handler = wrap(
      async () => {
        throw failure
      },
      { plugins: [metrics.plugin()] },
    )
    await expect(handler({}, fakeContext())).rejects.toBe(failure)
    expect(lines()).toEqual([
      { value: '1', type: 'count', name: builtinMetrics.errors, tags: 'error_type:TypeError' },
    ])
  })

  it('counts a timeout at the last gasp, before the invocation ends', async () => {
    const metrics = newMetrics()
    const handler = wrap(
      async () => {
        await until(() => out.metricLines().length > 0)
        return 'late'
      },
      { plugins: [metrics.plugin()], lastGaspMs: 50 },
    )
    await expect(handler({}, fakeContext({ remainingMs: 100 }))).resolves.toBe('late')
    expect(lines()).toEqual([{ value: '1', type: 'count', name: builtinMetrics.timeouts, tags: undefined }])
  })

  it('counts the failed records of a batch', async () => {
    const metrics = newMetrics()
    const handler = wrap(
      (event: unknown) =>
        processBatch(event, async (record: { body: string }) => {
          if (record.body.startsWith('bad')) throw new Error(record.body)
        }),
      { plugins: [metrics.plugin()] },
    )
    const event = sqsEvent({ records: [{ body: 'bad 1' }, { body: 'good' }, { body: 'bad 2' }] })
    const result = await handler(event, fakeContext())
    expect(result.batchItemFailures).toHaveLength(2)
    const failures = lines().filter((l) => l.name === builtinMetrics.batchItemFailures)
    expect(failures.reduce((n, l) => n + Number(l.value), 0)).toBe(2)
  })

  it('adds the failures a handler reports without processBatch, given its result (onResult)', () => {
    const plugin = newMetrics().plugin()
    const invocation = { context: createContext() }
    plugin.onError(new Error('record'), invocation, createContext({ parent: invocation.context }))
    plugin.onResult(
      { batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }, { itemIdentifier: 'c' }] },
      invocation,
    )
    plugin.onResult('not a batch response', invocation)
    const failures = lines().filter((l) => l.name === builtinMetrics.batchItemFailures)
    expect(failures.map((l) => l.value)).toEqual(['1', '2'])
  })

  it('counts the batchItemFailures a handler returns itself', async () => {
    const metrics = newMetrics()
    const handler = wrap(
      async () => ({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] }),
      {
        plugins: [metrics.plugin()],
      },
    )
    await handler(sqsEvent({ records: [{ body: 'a' }, { body: 'b' }] }), fakeContext())
    const failures = lines().filter((l) => l.name === builtinMetrics.batchItemFailures)
    expect(failures.reduce((n, l) => n + Number(l.value), 0)).toBe(2)
  })

  it('reports what telemetry dropped since the last invocation, by kind', async () => {
    const metrics = newMetrics()
    const handler = wrap(
      async () => {
        metrics.gauge('broken', Number.NaN)
        metrics.count('tagged', 1, { requestId: 'r-1' })
      },
      { plugins: [metrics.plugin()] },
    )
    const event = apiGatewayV1Event({ headers: { 'x-correlation-id': 'bad\u0001id' } })
    await handler(event, fakeContext())
    expect(lines().filter((l) => l.name === builtinMetrics.telemetryDropped)).toEqual([
      { value: '1', type: 'count', name: builtinMetrics.telemetryDropped, tags: 'kind:invalid_value' },
      { value: '1', type: 'count', name: builtinMetrics.telemetryDropped, tags: 'kind:refused_tag' },
      { value: '1', type: 'count', name: builtinMetrics.telemetryDropped, tags: 'kind:correlation_id' },
    ])
    out.logs().clear()
    await handler({}, fakeContext()) // the same drops again, but no unsafe correlation ID this time
    expect(
      lines()
        .filter((l) => l.name === builtinMetrics.telemetryDropped)
        .map((l) => l.tags),
    ).toEqual(['kind:invalid_value', 'kind:refused_tag'])
  })

  it('returns nothing from flush with lines, where everything is written at the call', () => {
    const plugin = newMetrics().plugin()
    const invocation = { context: createContext() }
    plugin.onInvoke(invocation)
    expect(plugin.flush(Date.now() + 1000, invocation)).toBeUndefined()
  })

  it('is one plugin per instance', () => {
    const metrics = newMetrics()
    expect(metrics.plugin()).toBe(metrics.plugin())
    expect(metrics.plugin().name).toBe('sightline-metrics')
  })
})
