import type { Entry } from './aggregate.js'

/** PutMetricData's limits: datums per request, and the request size (kept under 1 MB with margin). */
export const MAX_DATUMS = 1000
export const MAX_BYTES = 1_000_000 - 16_384

/** Splits entries into PutMetricData requests within both limits, in order. */
export function batches(entries: readonly Entry[], namespace: string): Entry[][] {
  const out: Entry[][] = []
  const overhead = Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }))
  let current: Entry[] = []
  let bytes = overhead
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry.datum)) + 1
    if (current.length > 0 && (current.length >= MAX_DATUMS || bytes + size > MAX_BYTES)) {
      out.push(current)
      current = []
      bytes = overhead
    }
    current.push(entry)
    bytes += size
  }
  if (current.length > 0) out.push(current)
  return out
}
