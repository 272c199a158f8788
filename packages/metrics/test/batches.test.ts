import { describe, expect, it } from 'vitest'
import type { Entry } from '../src/aggregate.js'
import { batches, MAX_BYTES, MAX_DATUMS } from '../src/batches.js'

const entry = (name: string): Entry => ({
  datum: { MetricName: name, Timestamp: new Date(0), Value: 1 },
  type: 'count',
  tagText: '',
})

describe('batches', () => {
  it(`cuts at ${MAX_DATUMS} datums, in order`, () => {
    const out = batches(
      Array.from({ length: 2_001 }, (_, i) => entry(`m${i}`)),
      'N',
    )
    expect(out.map((b) => b.length)).toEqual([1000, 1000, 1])
    expect(out.flat().map((e) => e.datum.MetricName)).toEqual(
      Array.from({ length: 2_001 }, (_, i) => `m${i}`),
    )
  })

  it('cuts before the request would pass the size limit', () => {
    const big = (i: number) => entry(`${i}`.padEnd(250, 'x'))
    const many = Array.from({ length: 999 }, (_, i) => ({
      ...big(i),
      datum: {
        ...big(i).datum,
        Dimensions: Array.from({ length: 4 }, (_, k) => ({ Name: `d${k}`, Value: 'v'.repeat(1000) })),
      },
    }))
    const out = batches(many, 'N')
    expect(out.length).toBeGreaterThan(1)
    for (const b of out) {
      const size = Buffer.byteLength(JSON.stringify({ Namespace: 'N', MetricData: b.map((e) => e.datum) }))
      expect(size).toBeLessThanOrEqual(MAX_BYTES)
    }
  })

  it('makes no batch of nothing', () => {
    expect(batches([], 'N')).toEqual([])
  })
})
