import { invalidOption } from '@sightline/correlation'
import { type Hop, hopsOf, type Invocation } from './hops.js'
import { type LogRecord, type MalformedReason, parseLine } from './line.js'

/** A line of the story: the record, where it was read and in which order. */
export interface StoryLine extends LogRecord {
  /** The input it came from (a file's name without its extension, `stdin`). */
  readonly source: string
  /** Read order across all inputs: breaks ties between lines of the same millisecond. */
  readonly seq: number
  /** `name`, else the source: what the story calls the service or function. */
  readonly hop: string
}

export interface StoryStats {
  /** Every line read, blank ones included. */
  lines: number
  /** Lines of the story. */
  matched: number
  /** Lines that could not be read: text, broken JSON, JSON other than an object, too long. */
  malformed: number
  malformedReasons: Record<MalformedReason, number>
  /** Log lines of other requests. */
  unrelated: number
  /** Readable lines that are not log lines of ours (console text, JSON without a time). */
  other: number
  /** MONITORING metric lines. */
  metrics: number
  /** Lambda `platform.start` / `platform.report` records. */
  platform: number
}

export interface Story {
  /** The correlation id or X-Ray Root asked for. */
  readonly id: string
  /** In time order (read order within a millisecond). */
  readonly lines: readonly StoryLine[]
  /** One per service or function invocation, by start. */
  readonly hops: readonly Hop[]
  /** Epoch ms of the earliest line or hop start; NaN when the story is empty. */
  readonly start: number
  readonly end: number
  readonly stats: StoryStats
}

export interface StoryCollector {
  /** Reads one line (without its line break) from `source`. */
  add(text: string, source: string): void
  /** The story so far. */
  story(): Story
}

/** Does this record belong to the story of `id`: one of its `x-correlation-*` values, or its X-Ray Root? */
export function belongsTo(record: LogRecord, id: string): boolean {
  if (record.traceId === id) return true
  for (const key in record.ids) if (record.ids[key] === id) return true
  return false
}

/**
 * Collects the story of `id` from lines fed one at a time, so inputs of any size stream through: only the
 * story's lines are kept, plus two numbers per Lambda invocation seen (its platform records).
 */
export function createStoryCollector(id: string): StoryCollector {
  if (typeof id !== 'string' || id.trim() === '') invalidOption('id', 'a non-empty string', id)
  const lines: StoryLine[] = []
  const invocations = new Map<string, Invocation>()
  const stats: StoryStats = {
    lines: 0,
    matched: 0,
    malformed: 0,
    malformedReasons: { 'not-json': 0, 'invalid-json': 0, 'not-an-object': 0, 'too-long': 0 },
    unrelated: 0,
    other: 0,
    metrics: 0,
    platform: 0,
  }
  return {
    add(text, source) {
      stats.lines++
      const parsed = parseLine(text)
      switch (parsed.kind) {
        case 'log': {
          if (!belongsTo(parsed.record, id)) {
            stats.unrelated++
            return
          }
          stats.matched++
          const { record } = parsed
          lines.push({ ...record, source, seq: stats.lines, hop: record.name ?? source })
          return
        }
        case 'platform': {
          stats.platform++
          const { requestId, type, time, durationMs } = parsed.platform
          const known = invocations.get(requestId) ?? {}
          if (type === 'start') known.start = time
          else known.reportedAt = time
          if (durationMs !== undefined) known.durationMs = durationMs
          invocations.set(requestId, known)
          return
        }
        case 'metric':
          stats.metrics++
          return
        case 'other':
          stats.other++
          return
        case 'malformed':
          stats.malformed++
          stats.malformedReasons[parsed.reason]++
          return
        case 'blank':
          return
      }
    },
    story() {
      const sorted = [...lines].sort((a, b) => a.time - b.time || a.seq - b.seq)
      const hops = hopsOf(sorted, invocations)
      let start = Number.NaN
      let end = Number.NaN
      for (const h of hops) {
        start = Number.isNaN(start) ? h.start : Math.min(start, h.start)
        end = Number.isNaN(end) ? h.end : Math.max(end, h.end)
      }
      return { id, lines: sorted, hops, start, end, stats: structuredClone(stats) }
    },
  }
}
