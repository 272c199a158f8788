import { writeLine } from '@sightline/logger'
import type { Datum, Sink } from './datum.js'
import { bump } from './diagnostics.js'
import { dimensionsOf, storable } from './dimensions.js'
import { validNamespace } from './namespace.js'
import { type ShapeOptions, shapeResolver } from './units.js'

export interface EmfOptions extends ShapeOptions {
  /** The CloudWatch namespace of the metrics (not `AWS/…`). */
  readonly namespace: string
}

/** EMF's limits: metrics per document, values per metric; and a size kept well under a log event's. */
export const EMF_MAX_METRICS = 100
export const EMF_MAX_VALUES = 100
const MAX_BYTES = 200_000

interface Metric {
  readonly definition: { Name: string; Unit?: string; StorageResolution?: number }
  readonly values: number[]
  readonly sums: boolean
}

interface Doc {
  readonly timestamp: number
  readonly dimensions: Record<string, string>
  readonly metrics: Map<string, Metric>
  bytes: number
}

/**
 * A sink for `createMetrics({ sink })` writing CloudWatch Embedded Metric Format: at flush, one JSON line
 * per tag set (the tags are its dimensions), split so that no document has more than 100 metrics or a
 * metric more than 100 values, and never an empty document. Counts are summed per document.
 */
export function emf({ namespace, ...shape }: EmfOptions): Sink {
  validNamespace(namespace)
  const shapeOf = shapeResolver(shape)

  function write(doc: Doc): void {
    for (const [name, m] of doc.metrics) {
      if (m.sums && !storable(m.values[0]!)) {
        bump('unsendableValues') // a sum that overflowed
        doc.metrics.delete(name)
      }
    }
    if (doc.metrics.size === 0) return
    const definitions = [...doc.metrics.values()].map((m) => m.definition)
    const out: Record<string, unknown> = {
      _aws: {
        Timestamp: doc.timestamp,
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: [Object.keys(doc.dimensions)], Metrics: definitions },
        ],
      },
      ...doc.dimensions,
    }
    for (const [name, m] of doc.metrics) out[name] = m.values.length === 1 ? m.values[0] : m.values
    writeLine(`${JSON.stringify(out)}\n`)
  }

  return {
    name: 'emf',
    send(datums: readonly Datum[]) {
      const open = new Map<string, Doc>()
      for (const d of datums) {
        if (!storable(d.value)) {
          bump('unsendableValues')
          continue
        }
        let doc = open.get(d.tags.text)
        if (doc === undefined) {
          doc = newDoc(d)
          open.set(d.tags.text, doc)
        }
        if (d.name === '_aws' || Object.hasOwn(doc.dimensions, d.name)) {
          bump('unsendableValues') // a metric named like a dimension would overwrite it
          continue
        }
        let metric = doc.metrics.get(d.name)
        const full = metric !== undefined && !metric.sums && metric.values.length >= EMF_MAX_VALUES
        if (full || (metric === undefined && doc.metrics.size >= EMF_MAX_METRICS) || doc.bytes > MAX_BYTES) {
          write(doc)
          doc = newDoc(d)
          open.set(d.tags.text, doc)
          metric = undefined
        }
        if (metric === undefined) {
          const { unit, storageResolution } = shapeOf(d.name, d.unit)
          const definition: Metric['definition'] = { Name: d.name }
          if (unit !== undefined) definition.Unit = unit
          if (storageResolution === 1) definition.StorageResolution = 1
          metric = { definition, values: [d.value], sums: d.type === 'count' }
          doc.metrics.set(d.name, metric)
          doc.bytes += d.name.length * 2 + 64
        } else if (metric.sums) {
          metric.values[0]! += d.value
        } else {
          metric.values.push(d.value)
        }
        doc.bytes += 24
      }
      for (const doc of open.values()) write(doc)
      return undefined
    },
  }
}

function newDoc(d: Datum): Doc {
  const dimensions: Record<string, string> = {}
  for (const { Name, Value } of dimensionsOf(d.tags.pairs)) {
    if (Name === '_aws')
      bump('droppedTags') // the metadata key of the document
    else dimensions[Name] = Value
  }
  return { timestamp: d.timestamp, dimensions, metrics: new Map(), bytes: 256 + d.tags.text.length * 3 }
}
