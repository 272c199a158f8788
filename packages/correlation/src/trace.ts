import { count } from './diagnostics.js'

/**
 * A parsed `X-Amzn-Trace-Id`. Known keys are validated; unknown keys are kept in order so a header can be
 * forwarded without losing what a newer AWS service added.
 */
export interface TraceHeader {
  readonly root?: string
  readonly parent?: string
  readonly sampled?: string
  readonly lineage?: string
  readonly self?: string
  readonly extra: ReadonlyArray<readonly [key: string, value: string]>
}

const MAX_HEADER_LENGTH = 2048
const SAFE_HEADER = /^[\x20-\x7e]{1,2048}$/

/** A trace header that may be forwarded verbatim: printable ASCII, 1 to 2,048 characters. */
export function isSafeTraceHeader(value: unknown): value is string {
  return typeof value === 'string' && SAFE_HEADER.test(value)
}
const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/i
const PARENT = /^[0-9a-f]{16}$/i
const SAMPLED = /^[01?]$/
const KEY = /^[A-Za-z0-9_-]{1,32}$/
// Values may hold ':', '|', '=' (Lineage) but nothing outside visible ASCII.
const VALUE = /^[\x21-\x3a\x3c-\x7e]{1,512}$/

const EMPTY: TraceHeader = Object.freeze({ extra: Object.freeze([]) })

type Mutable = { -readonly [K in keyof TraceHeader]: TraceHeader[K] }

/** Parses by key in any order, keys case-insensitive, whitespace trimmed. Never throws. */
export function parseTraceHeader(header: unknown): TraceHeader {
  if (typeof header !== 'string' || header.length === 0) return EMPTY
  if (header.length > MAX_HEADER_LENGTH) {
    count('droppedTraceEntries')
    return EMPTY
  }
  const out: Mutable = { extra: [] }
  const extra: Array<readonly [string, string]> = []
  let dropped = 0
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) {
      if (part.trim() !== '') dropped++
      continue
    }
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (!KEY.test(key) || !VALUE.test(value)) {
      dropped++
      continue
    }
    switch (key.toLowerCase()) {
      case 'root':
        if (out.root !== undefined) break
        if (ROOT.test(value)) out.root = value
        else dropped++
        break
      case 'parent':
        if (out.parent !== undefined) break
        if (PARENT.test(value)) out.parent = value
        else dropped++
        break
      case 'sampled':
        if (out.sampled !== undefined) break
        if (SAMPLED.test(value)) out.sampled = value
        else dropped++
        break
      case 'lineage':
        out.lineage ??= value
        break
      case 'self':
        out.self ??= value
        break
      default:
        if (!extra.some(([k]) => k.toLowerCase() === key.toLowerCase())) extra.push([key, value])
    }
  }
  if (dropped > 0) count('droppedTraceEntries', dropped)
  out.extra = extra
  return out
}

/** Formats in canonical order: Root, Parent, Sampled, Lineage, Self, then unknown keys as they came. */
export function formatTraceHeader(trace: TraceHeader): string {
  let s = ''
  if (trace.root !== undefined) s += `;Root=${trace.root}`
  if (trace.parent !== undefined) s += `;Parent=${trace.parent}`
  if (trace.sampled !== undefined) s += `;Sampled=${trace.sampled}`
  if (trace.lineage !== undefined) s += `;Lineage=${trace.lineage}`
  if (trace.self !== undefined) s += `;Self=${trace.self}`
  for (const [k, v] of trace.extra) s += `;${k}=${v}`
  return s.slice(1)
}
