import { describe, expect, it } from 'vitest'
import { createMetrics, getMetricsDiagnostics, MAX_TAGS } from '../src/index.js'
import { capture, fields } from './helpers.js'

const out = capture()
const tagsOf = () => out.metricLines().map((l) => fields(l).tags)

describe('the cardinality guard', () => {
  it('refuses identifier-like tag keys by default, counts them and warns once', () => {
    const metrics = createMetrics({ tags: {} }, {})
    metrics.count('orders', 1, {
      requestId: 'r-1',
      'x-correlation-id': 'c-1',
      user_id: 'u-1',
      channel: 'web',
    })
    metrics.count('orders', 1, { awsRequestId: 'r-2' })
    expect(tagsOf()).toEqual(['channel:web', undefined])
    expect(getMetricsDiagnostics().refusedTags).toBe(4)
    expect(out.warnings()).toHaveLength(1)
    expect(out.warnings()[0]).toMatchObject({ code: 'ERR_SIGHTLINE_METRICS_DROPPED' })
  })

  it('lets `refuseTag` decide instead', () => {
    const metrics = createMetrics({ tags: {}, refuseTag: (k) => k === 'channel' }, {})
    metrics.count('orders', 1, { tenant_id: 't-1', channel: 'web' })
    expect(tagsOf()).toEqual(['tenant_id:t-1'])
  })

  it('folds the values of a key past its cap into __other__, and counts the folding', () => {
    const metrics = createMetrics({ tags: {}, maxTagValues: 3 }, {})
    for (const sku of ['a', 'b', 'c', 'd', 'e', 'a']) metrics.count('sold', 1, { sku })
    expect(tagsOf()).toEqual(['sku:a', 'sku:b', 'sku:c', 'sku:__other__', 'sku:__other__', 'sku:a'])
    expect(getMetricsDiagnostics().foldedTagValues).toBe(2)
  })

  it('survives a flood of distinct values and keys with bounded series', () => {
    const metrics = createMetrics({ tags: { service: 'orders' } }, {})
    for (let i = 0; i < 20_000; i++) metrics.count('flood', 1, { [`k${i % 120}`]: `v${i}` })
    const distinct = new Set(tagsOf())
    // 100 keys × (≤ 100 values + __other__), and tags of keys past the 100th dropped.
    expect(distinct.size).toBeLessThanOrEqual(100 * 101 + 1)
    const d = getMetricsDiagnostics()
    const pastTheHundredthKey = Array.from({ length: 20_000 }, (_, i) => i % 120 >= 100).filter(
      Boolean,
    ).length
    expect(d.droppedTags).toBe(pastTheHundredthKey)
    expect(d.foldedTagValues).toBeGreaterThan(0)
    expect(tagsOf().every((t) => t?.startsWith('service:orders'))).toBe(true)
  })

  it('does not guard the default tags', () => {
    const metrics = createMetrics({ tags: { request_id: 'fixed' }, maxTagValues: 1 }, {})
    metrics.count('x')
    expect(tagsOf()).toEqual(['request_id:fixed'])
  })

  it('strips separators and control characters from tags, `:` from keys, and drops blanks', () => {
    const metrics = createMetrics({ tags: {} }, {})
    metrics.count('x', 1, {
      'a|b': 'c,d#e',
      'k:ey': 'v:al',
      'line\nbreak': 'x\r\ny\u2028z\u0085',
      empty: '',
      blank: ' \t',
      '|#,': 'nothing left of the key',
      unicodé: 'çà ✓ 🚀',
    })
    expect(tagsOf()).toEqual(['ab:cde,key:v:al,linebreak:xyz,unicodé:çà ✓ 🚀'])
    expect(getMetricsDiagnostics().droppedTags).toBe(3)
  })

  it('cuts 10 KB keys and values, without splitting a surrogate pair', () => {
    const metrics = createMetrics({ tags: {} }, {})
    metrics.count('x', 1, { ['k'.repeat(10_240)]: `${'v'.repeat(199)}🚀${'v'.repeat(10_000)}` })
    const [key, value] = tagsOf()[0]!.split(':') as [string, string]
    expect(key).toBe('k'.repeat(100))
    expect(value).toBe('v'.repeat(199))
    expect(getMetricsDiagnostics().truncatedTags).toBe(2)
  })

  it(`keeps at most ${MAX_TAGS} tags, defaults first, and counts the rest`, () => {
    const metrics = createMetrics({ tags: { service: 's', env: 'e' } }, {})
    metrics.count('x', 1, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`t${i}`, 'v'])))
    const tags = tagsOf()[0]!.split(',')
    expect(tags).toHaveLength(30)
    expect(tags.slice(0, 3)).toEqual(['service:s', 'env:e', 't0:v'])
    expect(getMetricsDiagnostics().droppedTags).toBe(12)
  })
})
