import type { Datum } from './datum.js'
import { bump } from './diagnostics.js'
import { type Dimension, dimensionsOf, storable } from './dimensions.js'
import { epochSeconds, formatLine, type MetricType } from './line.js'
import type { TagPair } from './tags.js'
import type { Shape, Unit } from './units.js'

/** A PutMetricData datum, as `@aws-sdk/client-cloudwatch` takes it. */
export interface CloudWatchDatum {
  MetricName: string
  Dimensions?: Dimension[]
  Timestamp: Date
  Value?: number
  Values?: number[]
  Counts?: number[]
  Unit?: Unit
  StorageResolution?: number
}

/** A CloudWatch datum and what it stands for, to write it back as lines if it cannot be sent. */
export interface Entry {
  readonly datum: CloudWatchDatum
  readonly type: MetricType
  readonly tagText: string
}

/** At most this many distinct values per datum (PutMetricData's `Values` limit). */
export const MAX_VALUES = 150

interface Group {
  readonly type: MetricType
  readonly name: string
  readonly pairs: readonly TagPair[]
  readonly tagText: string
  readonly second: number
  readonly shape: Shape
  // count: the sum; gauge: the last value; histogram: value → occurrences.
  value: number
  readonly counts: Map<number, number> | undefined
}

/**
 * Folds datums into as few CloudWatch datums as keeps their meaning, per type, name, tags, unit and
 * second: counts are summed, a gauge keeps its last value, histogram values become `Values`/`Counts`
 * (150 distinct values per datum). Values CloudWatch cannot store are dropped and counted.
 */
export function aggregate(
  datums: Iterable<Datum>,
  shapeOf: (name: string, unit: Unit | undefined) => Shape,
): Entry[] {
  const groups = new Map<string, Group>()
  for (const d of datums) {
    if (!storable(d.value)) {
      bump('unsendableValues')
      continue
    }
    const second = epochSeconds(d.timestamp)
    const shape = shapeOf(d.name, d.unit)
    const key = `${d.type}|${d.name}${d.tags.text}|${second}|${shape.unit}|${shape.storageResolution}`
    const g = groups.get(key)
    if (g === undefined) {
      groups.set(key, {
        type: d.type,
        name: d.name,
        pairs: d.tags.pairs,
        tagText: d.tags.text,
        second,
        shape,
        value: d.value,
        counts: d.type === 'histogram' ? new Map([[d.value, 1]]) : undefined,
      })
    } else if (g.counts !== undefined) {
      g.counts.set(d.value, (g.counts.get(d.value) ?? 0) + 1)
    } else {
      g.value = g.type === 'count' ? g.value + d.value : d.value
    }
  }
  const entries: Entry[] = []
  for (const g of groups.values()) {
    if (g.counts === undefined && !storable(g.value)) {
      bump('unsendableValues') // a sum that overflowed
      continue
    }
    const base = baseDatum(g)
    if (g.counts === undefined) {
      entries.push({ datum: { ...base, Value: g.value }, type: g.type, tagText: g.tagText })
      continue
    }
    const all = [...g.counts]
    for (let i = 0; i < all.length; i += MAX_VALUES) {
      const slice = all.slice(i, i + MAX_VALUES)
      entries.push({
        datum: { ...base, Values: slice.map(([v]) => v), Counts: slice.map(([, c]) => c) },
        type: g.type,
        tagText: g.tagText,
      })
    }
  }
  return entries
}

function baseDatum(g: Group): CloudWatchDatum {
  const datum: CloudWatchDatum = { MetricName: g.name, Timestamp: new Date(g.second * 1000) }
  const dimensions = dimensionsOf(g.pairs)
  if (dimensions.length > 0) datum.Dimensions = dimensions
  if (g.shape.unit !== undefined) datum.Unit = g.shape.unit
  if (g.shape.storageResolution === 1) datum.StorageResolution = 1
  return datum
}

/** The MONITORING lines an entry stands for (what is written when it cannot be sent). */
export function linesOf(entry: Entry): string[] {
  const { datum, type, tagText } = entry
  const second = epochSeconds(datum.Timestamp.getTime())
  const line = (v: number) => formatLine(second, v, type, datum.MetricName, tagText)
  if (datum.Values === undefined) return [line(datum.Value ?? 0)]
  const out: string[] = []
  datum.Values.forEach((v, i) => {
    for (let n = datum.Counts?.[i] ?? 1; n > 0; n--) out.push(line(v))
  })
  return out
}
