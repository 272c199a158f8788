import type { MetricType } from './line.js'
import { MAX_TAGS, type TagPair, textOf } from './tags.js'

/** A metric read back from a MONITORING line. Tags are sorted by key, one per key. */
export interface ParsedMetric {
  readonly type: MetricType
  readonly name: string
  readonly value: number
  /** Epoch seconds, as written. */
  readonly epochSeconds: number
  readonly tags: readonly TagPair[]
  /** The tags as a canonical tag part (`|#a:1,b:2`, sorted), '' without tags. */
  readonly tagText: string
  /** Tags left out: bare (no `:value`), empty, repeated keys, past 30. */
  readonly droppedTags: number
}

export type ParsedLine =
  | { readonly ok: true; readonly metric: ParsedMetric }
  | { readonly ok: false; readonly reason: 'malformed' | 'check' }

const PREFIX = 'MONITORING|'
const LINE = new RegExp(
  [
    '^MONITORING',
    '(\\d{1,10})', // epoch seconds
    '(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)', // value
    '(count|gauge|histogram|check)',
    '([A-Za-z0-9_.]{1,255})(?:\\|#([^|]*))?$', // name, then the tags
  ].join('\\|'),
)
// The Lambda console prefix: `2024-05-01T12:00:00.000Z\t<request id>\tINFO\t`.
const CONSOLE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\t[^\t\r\n]*\t[A-Z]+\t/
const TRAILING = /\r?\n$|\r$/
// No control characters (C0, DEL, C1), line separators or lone surrogates anywhere in the tags.
const TAG_BAD = /[\p{Cc}\u2028\u2029]|\p{Cs}/u

/**
 * The MONITORING payload of one log event, wherever the Lambda runtime put it: the whole message (a line
 * written to stdout), after the console prefix (`console.log`), or the `message` of a Lambda JSON-format
 * record. Undefined when the event is not a metric line at all.
 */
export function payloadOf(message: string): string | undefined {
  let m = message.replace(TRAILING, '')
  if (m.startsWith(PREFIX)) return m
  if (m.startsWith('{')) {
    let record: unknown
    try {
      record = JSON.parse(m)
    } catch {
      return undefined
    }
    const inner = (record as { message?: unknown } | null)?.message
    if (typeof inner !== 'string') return undefined
    m = inner.replace(TRAILING, '')
    return m.startsWith(PREFIX) ? m : undefined
  }
  const prefix = CONSOLE.exec(m)
  if (prefix === null) return undefined
  m = m.slice(prefix[0].length)
  return m.startsWith(PREFIX) ? m : undefined
}

/**
 * Parses a log event's message. Undefined when it holds no MONITORING line; `{ ok: false }` when it holds
 * one that does not follow the grammar (`malformed`) or is a service check (`check`, not a metric);
 * otherwise the metric. Never throws.
 */
export function parseLogMessage(message: string): ParsedLine | undefined {
  if (!message.includes(PREFIX)) return undefined
  const payload = payloadOf(message)
  if (payload === undefined) return undefined
  const match = LINE.exec(payload)
  if (match === null) return MALFORMED
  const [, seconds, raw, type, name, tagPart] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ]
  const value = Number(raw)
  if (!Number.isFinite(value)) return MALFORMED
  if (type === 'check') return CHECK
  const tags = tagsOf(tagPart)
  if (tags === undefined) return MALFORMED
  return {
    ok: true,
    metric: {
      type: type as MetricType,
      name,
      value,
      epochSeconds: Number(seconds),
      tags: tags.pairs,
      tagText: tags.text,
      droppedTags: tags.dropped,
    },
  }
}

const MALFORMED: ParsedLine = Object.freeze({ ok: false, reason: 'malformed' })
const CHECK: ParsedLine = Object.freeze({ ok: false, reason: 'check' })

interface ParsedTags {
  readonly pairs: readonly TagPair[]
  readonly text: string
  readonly dropped: number
}
const NO_TAGS: ParsedTags = Object.freeze({ pairs: Object.freeze([]), text: '', dropped: 0 })

// A function's lines repeat a few tag parts thousands of times: parse each once. The results are
// immutable, so sharing them across concurrent invocations is safe; the cache is simply dropped when full.
const CACHE_SIZE = 2_000
let cache = new Map<string, ParsedTags | null>()

function tagsOf(part: string | undefined): ParsedTags | undefined {
  if (part === undefined || part === '') return NO_TAGS
  const cached = cache.get(part)
  if (cached !== undefined) return cached ?? undefined
  const parsed = parseTags(part)
  if (cache.size >= CACHE_SIZE) cache = new Map()
  cache.set(part, parsed ?? null)
  return parsed
}

function parseTags(part: string): ParsedTags | undefined {
  if (TAG_BAD.test(part)) return undefined
  const byKey = new Map<string, string>()
  let dropped = 0
  for (const item of part.split(',')) {
    const colon = item.indexOf(':')
    const key = colon < 0 ? '' : item.slice(0, colon)
    const value = colon < 0 ? '' : item.slice(colon + 1)
    if (key.trim() === '' || value.trim() === '' || byKey.has(key) || byKey.size >= MAX_TAGS) {
      dropped++
      continue
    }
    byKey.set(key, value)
  }
  const pairs = [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.freeze({ pairs: Object.freeze(pairs), text: textOf(pairs), dropped })
}
