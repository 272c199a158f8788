import { describe, expect, it } from 'vitest'
import { aggregate, linesOf } from '../src/aggregate.js'
import type { Datum } from '../src/index.js'
import { getMetricsDiagnostics } from '../src/index.js'
import { textOf } from '../src/tags.js'
import { shapeResolver } from '../src/units.js'
import { capture, strictLines } from './helpers.js'

capture()
const shapeOf = shapeResolver({})
const at = 1_795_312_980_000
const datum = (
  type: Datum['type'],
  name: string,
  value: number,
  ms = at,
  pairs: Array<[string, string]> = [],
): Datum => ({
  type,
  name,
  value,
  tags: { pairs, text: textOf(pairs) },
  timestamp: ms,
  unit: undefined,
})

describe('aggregate', () => {
  it('sums counts, keeps a gauge’s last value, folds histogram values into Values/Counts', () => {
    const entries = aggregate(
      [
        datum('count', 'c', 1),
        datum('count', 'c', 2, at + 999),
        datum('count', 'c', 5, at + 1000),
        datum('gauge', 'g', 1),
        datum('gauge', 'g', 9),
        datum('histogram', 'h', 3),
        datum('histogram', 'h', 3),
        datum('histogram', 'h', 4),
        datum('count', 'c', 1, at, [['k', 'v']]),
      ],
      shapeOf,
    )
    expect(entries.map((e) => e.datum)).toEqual([
      { MetricName: 'c', Timestamp: new Date(at), Value: 3 },
      { MetricName: 'c', Timestamp: new Date(at + 1000), Value: 5 },
      { MetricName: 'g', Timestamp: new Date(at), Value: 9 },
      { MetricName: 'h', Timestamp: new Date(at), Values: [3, 4], Counts: [2, 1] },
      { MetricName: 'c', Timestamp: new Date(at), Value: 1, Dimensions: [{ Name: 'k', Value: 'v' }] },
    ])
  })

  it('drops a sum that overflows', () => {
    expect(aggregate([datum('count', 'c', 2 ** 360), datum('count', 'c', 2 ** 360)], shapeOf)).toEqual([])
    expect(getMetricsDiagnostics().unsendableValues).toBe(1)
  })

  it('writes an entry back as the strict lines it stands for', () => {
    const [h, c] = aggregate(
      [datum('histogram', 'h', 3), datum('histogram', 'h', 3), datum('count', 'c', 4, at, [['k', 'v']])],
      shapeOf,
    )
    expect(strictLines([...linesOf(h!), ...linesOf(c!)])).toEqual([
      'MONITORING|1795312980|3|histogram|h\n',
      'MONITORING|1795312980|3|histogram|h\n',
      'MONITORING|1795312980|4|count|c|#k:v\n',
    ])
  })
})
