import { describe, expect, it } from 'vitest'
import { createMetrics, HOOK, type MetricsHook, metrics } from '../src/index.js'
import { capture, fields } from './helpers.js'

const out = capture()
const slot = globalThis as { [HOOK]?: MetricsHook }

describe('the global hook (Symbol.for("sightline.metrics.v1"))', () => {
  it('is what other packages record through, without importing this one', () => {
    expect(HOOK).toBe(Symbol.for('sightline.metrics.v1'))
    delete slot[HOOK]
    createMetrics({ tags: { via: 'hook' } }, {})
    const hook = (globalThis as Record<symbol, MetricsHook | undefined>)[Symbol.for('sightline.metrics.v1')]
    hook?.histogram('http.client.duration', 12.5, { host: 'api.example.com', method: 'GET' })
    hook?.count('http.client.requests', undefined, { status_class: '2xx' })
    expect(out.metricLines().map(fields)).toEqual([
      {
        value: '12.5',
        type: 'histogram',
        name: 'http.client.duration',
        tags: 'via:hook,host:api.example.com,method:GET',
      },
      { value: '1', type: 'count', name: 'http.client.requests', tags: 'via:hook,status_class:2xx' },
    ])
  })

  it('points at the latest instance created', () => {
    createMetrics({ tags: { instance: 'first' } }, {})
    createMetrics({ tags: { instance: 'second' } }, {})
    slot[HOOK]?.count('x')
    expect(fields(out.metricLines()[0]!).tags).toBe('instance:second')
  })

  it('is filled by the default instance on first use only when no instance filled it', () => {
    createMetrics({ tags: { instance: 'mine' } }, {})
    metrics.count('default.used')
    slot[HOOK]?.count('x')
    expect(fields(out.metricLines()[1]!).tags).toBe('instance:mine')
  })

  it('never throws into the caller', () => {
    createMetrics({}, {})
    expect(() => slot[HOOK]?.histogram(undefined as never, Number.NaN, 5 as never)).not.toThrow()
  })
})
