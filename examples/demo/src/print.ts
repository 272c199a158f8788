import { printable } from '@sightline/cli'
import type { Datum, PutMetricData } from './receivers/cloudwatch.js'
import type { SentryEvent } from './receivers/sentry.js'
import type { XrayDocument } from './receivers/xray-daemon.js'

/** A metric as CloudWatch stores it: name and dimensions; its sum and sample count over the run. */
export interface MetricTotal {
  readonly name: string
  readonly dimensions: string
  sum: number
  samples: number
}

/** `k=v, k2=v2`, sorted by name. */
export function dimensionsOf(datum: Datum): string {
  return [...(datum.Dimensions ?? [])]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(', ')
}

/** Every datum received, summed per name and dimensions (a histogram's values weighted by their counts). */
export function metricTotals(requests: readonly PutMetricData[]): MetricTotal[] {
  const totals = new Map<string, MetricTotal>()
  for (const datum of requests.flatMap((r) => r.data)) {
    const dimensions = dimensionsOf(datum)
    const key = `${datum.MetricName}\u0000${dimensions}`
    const total = totals.get(key) ?? { name: datum.MetricName, dimensions, sum: 0, samples: 0 }
    if (datum.Values !== undefined) {
      datum.Values.forEach((v, i) => {
        const n = datum.Counts?.[i] ?? 1
        total.sum += v * n
        total.samples += n
      })
    } else if (datum.Value !== undefined) {
      total.sum += datum.Value
      total.samples += 1
    }
    totals.set(key, total)
  }
  return [...totals.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.dimensions.localeCompare(b.dimensions),
  )
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

export function formatMetrics(requests: readonly PutMetricData[]): string {
  const totals = metricTotals(requests)
  if (totals.length === 0) return '  (none)\n'
  const nameWidth = Math.max(...totals.map((t) => t.name.length))
  const namespaces = [...new Set(requests.map((r) => r.namespace))].join(', ')
  const datums = requests.reduce((n, r) => n + r.data.length, 0)
  const rows = totals.map(
    (t) =>
      `  ${t.name.padEnd(nameWidth)}  sum ${round(t.sum).padStart(7)}  ` +
      `n ${String(t.samples).padStart(3)}  ${t.dimensions}`,
  )
  const heading = `${requests.length} PutMetricData requests, ${datums} datums, namespace ${namespaces}`
  return `  ${heading}\n\n${rows.join('\n')}\n`
}

export function formatSentry(events: readonly SentryEvent[]): string {
  if (events.length === 0) return '  (none)\n'
  return events
    .map((event) => {
      const exception = event.exception?.values?.[0] ?? {}
      const tags = (event.tags ?? {}) as Record<string, string>
      const shown = Object.entries(tags)
        .filter(
          ([k]) =>
            k.startsWith('x-correlation-') ||
            ['function_name', 'aws_request_id', 'xray_trace_id'].includes(k),
        )
        .map(([k, v]) => `      ${k}: ${printable(String(v))}`)
      return [
        `  ${printable(`${exception.type ?? 'Error'}: ${exception.value ?? event.message ?? ''}`)}` +
          `  (event ${event.event_id})`,
        ...shown,
      ].join('\n')
    })
    .join('\n')
    .concat('\n')
}

function describe(doc: XrayDocument): string {
  const ms = Math.round(((doc.end_time ?? doc.start_time) - doc.start_time) * 1000)
  const kind =
    doc.origin ?? (doc.namespace ? `${doc.namespace}` : doc.type === 'subsegment' ? 'local' : 'segment')
  const op = doc.aws?.operation
    ? ` ${doc.aws.operation}`
    : doc.http?.request?.method
      ? ` ${doc.http.request.method}`
      : ''
  const status = doc.http?.response?.status ? ` ${doc.http.response.status}` : ''
  const flags = ['fault', 'error', 'throttle']
    .filter((f) => doc[f])
    .map((f) => ` ${f.toUpperCase()}`)
    .join('')
  const id = doc.annotations?.correlation_id ? `  correlation_id=${doc.annotations.correlation_id}` : ''
  return printable(`${doc.name}${op}${status} (${kind}, ${ms} ms)${flags}${id}`)
}

/** Each trace as a tree: documents under their parent, in start order. */
export function formatXray(documents: readonly XrayDocument[]): string {
  if (documents.length === 0) return '  (none)\n'
  const byTrace = new Map<string, XrayDocument[]>()
  for (const doc of documents) byTrace.set(doc.trace_id, [...(byTrace.get(doc.trace_id) ?? []), doc])
  const out: string[] = []
  for (const [trace, docs] of byTrace) {
    const ids = new Set(docs.map((d) => d.id))
    const children = new Map<string, XrayDocument[]>()
    const tops: XrayDocument[] = []
    for (const doc of [...docs].sort((a, b) => a.start_time - b.start_time)) {
      if (doc.parent_id !== undefined && ids.has(doc.parent_id))
        children.set(doc.parent_id, [...(children.get(doc.parent_id) ?? []), doc])
      else tops.push(doc)
    }
    out.push(`  trace ${trace} (${docs.length} document${docs.length === 1 ? '' : 's'})`)
    const walk = (doc: XrayDocument, depth: number) => {
      out.push(`  ${'  '.repeat(depth)}└ ${describe(doc)}`)
      for (const child of children.get(doc.id) ?? []) walk(child, depth + 1)
    }
    for (const top of tops) walk(top, 1)
  }
  return `${out.join('\n')}\n`
}
