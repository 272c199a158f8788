import { getHttpClientDiagnostics, resetHttpClientDiagnostics } from '@sightline/http-client'
import { captureLogs } from '@sightline/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { METRICS_KEY, type MetricsHook, metricsHook, recordRequest, statusClass } from '../src/metrics.js'

const slot = globalThis as { [METRICS_KEY]?: unknown }
afterEach(() => {
  delete slot[METRICS_KEY]
  resetHttpClientDiagnostics()
})

describe('metricsHook()', () => {
  it('is the recorder installed at Symbol.for("sightline.metrics.v1"), looked up at each call', () => {
    expect(metricsHook()).toBeUndefined()
    const hook = { histogram() {}, count() {} }
    ;(globalThis as Record<symbol, unknown>)[Symbol.for('sightline.metrics.v1')] = hook
    expect(metricsHook()).toBe(hook)
  })

  it.each([null, 42, {}, { histogram() {} }, { histogram: 1, count() {} }])('ignores %j', (value) => {
    slot[METRICS_KEY] = value
    expect(metricsHook()).toBeUndefined()
  })
})

describe('statusClass()', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [302, '3xx'],
    [404, '4xx'],
    [599, '5xx'],
    [undefined, 'error'],
    [0, 'error'],
    [600, 'error'],
    ['200', 'error'],
  ])('%j is %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected)
  })
})

describe('recordRequest()', () => {
  it('records the latency in ms and one request with the same tags', () => {
    const calls: unknown[][] = []
    const hook: MetricsHook = {
      histogram: (...args) => void calls.push(['histogram', ...args]),
      count: (...args) => void calls.push(['count', ...args]),
    }
    const startedAt = performance.now()
    recordRequest(hook, {
      url: 'https://API.example.com/v1/users/7?x=1',
      method: 'delete',
      startedAt,
      status: 500,
    })
    const tags = { host: 'api.example.com', method: 'DELETE', status_class: '5xx' }
    expect(calls).toEqual([
      ['histogram', 'http.client.duration', expect.any(Number), tags],
      ['count', 'http.client.requests', 1, tags],
    ])
  })

  it('never throws when the recorder does, and counts it', () => {
    using logs = captureLogs()
    const hook: MetricsHook = {
      histogram() {
        throw new Error('down')
      },
      count() {},
    }
    expect(() =>
      recordRequest(hook, { url: 'http://a', method: 'GET', startedAt: 0, status: 200 }),
    ).not.toThrow()
    expect(getHttpClientDiagnostics().metricsFailures).toBe(1)
    expect(logs.byLevel('warn')).toHaveLength(1)
  })
})
