import { cleanTagKey, cleanTagValue } from './clean.js'
import { bump } from './diagnostics.js'
import { warnOnce } from './warn.js'

/** Tags given with a metric. `undefined` values are skipped. */
export type Tags = Readonly<Record<string, string | number | boolean | undefined>>

export type TagPair = readonly [key: string, value: string]

/** Cleaned tags as pairs, and as the line's tag part (`|#k:v,k2:v2`, or '' without tags). */
export interface TagSet {
  readonly pairs: readonly TagPair[]
  readonly text: string
}

export const MAX_TAGS = 30
export const MAX_TAG_KEYS = 100
export const OTHER = '__other__'
const KEY_CACHE = 1000
const REFUSED = 0
const EMPTY = 1

export interface TaggerOptions {
  readonly defaults: Readonly<Record<string, string>>
  readonly maxTagValues: number
  readonly refuseTag: (key: string) => boolean
}

export type Tagger = (tags: Tags | undefined) => TagSet

export function textOf(pairs: readonly TagPair[]): string {
  if (pairs.length === 0) return ''
  return appendTo('', pairs)
}

/** `text` (a tag part, or '') followed by `pairs`. */
function appendTo(text: string, pairs: readonly TagPair[]): string {
  let s = text === '' ? '|#' : `${text},`
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!
    s += i === 0 ? `${p[0]}:${p[1]}` : `,${p[0]}:${p[1]}`
  }
  return s
}

/**
 * Cleans tags and applies the cardinality guard: identifier-like keys are refused, each key keeps at
 * most `maxTagValues` distinct values for the life of the process (later ones fold into `__other__`),
 * and at most 100 distinct keys are accepted. Default tags come first and are not guarded.
 */
export function createTagger({ defaults, maxTagValues, refuseTag }: TaggerOptions): Tagger {
  const defaultPairs: TagPair[] = []
  for (const [k, v] of Object.entries(defaults)) {
    const key = cleanTagKey(k)
    const value = cleanTagValue(v)
    if (key !== undefined && value !== undefined) defaultPairs.push([key, value])
  }
  const kept = defaultPairs.slice(0, MAX_TAGS)
  const defaultSet: TagSet = Object.freeze({ pairs: kept, text: textOf(kept) })
  const defaultKeys = new Set(defaultSet.pairs.map(([k]) => k))
  // Raw key → cleaned key, or why it is refused. Bounded: keys are nearly always literals.
  const keys = new Map<string, string | typeof REFUSED | typeof EMPTY>()
  const seen = new Map<string, Set<string>>()

  function keyOf(raw: string): string | undefined {
    let key = keys.get(raw)
    if (key === undefined) {
      const cleaned = cleanTagKey(raw)
      key = cleaned === undefined ? EMPTY : refuseTag(cleaned) ? REFUSED : cleaned
      if (keys.size < KEY_CACHE) keys.set(raw, key)
    }
    if (typeof key === 'string') return key
    if (key === EMPTY) {
      bump('droppedTags')
      return undefined
    }
    bump('refusedTags')
    warnOnce(
      'refusedTag',
      `sightline metrics: refused the tag "${raw.slice(0, 100)}": its key looks like a per-request ` +
        'identifier (one series per request); further ones are counted in refusedTags',
    )
    return undefined
  }

  function guard(key: string, value: string): string | undefined {
    if (defaultKeys.has(key)) return value
    let values = seen.get(key)
    if (values === undefined) {
      if (seen.size >= MAX_TAG_KEYS) return undefined
      values = new Set()
      seen.set(key, values)
    }
    if (values.has(value)) return value
    if (values.size < maxTagValues) {
      values.add(value)
      return value
    }
    bump('foldedTagValues')
    warnOnce(
      'foldedTag',
      `sightline metrics: tag "${key}" reached ${maxTagValues} distinct values; ` +
        `further values are folded into ${OTHER}`,
    )
    return OTHER
  }

  return function tagsFor(tags) {
    if (tags === undefined || tags === null) return defaultSet
    let own: TagPair[] | undefined
    const raws = Object.keys(tags)
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i]!
      const v = tags[raw]
      if (v === undefined) continue
      const key = keyOf(raw)
      if (key === undefined) continue
      const t = typeof v
      let value = t === 'string' ? (v as string) : t === 'number' || t === 'boolean' ? String(v) : undefined
      if (value !== undefined) value = cleanTagValue(value)
      if (value !== undefined) value = guard(key, value)
      if (value === undefined) {
        bump('droppedTags')
        continue
      }
      ;(own ??= []).push([key, value])
    }
    if (own === undefined) return defaultSet
    if (own.length + defaultSet.pairs.length <= MAX_TAGS && distinct(own, defaultKeys)) {
      const pairs = defaultSet.pairs.length === 0 ? own : defaultSet.pairs.concat(own)
      return { pairs, text: appendTo(defaultSet.text, own) }
    }
    return merge(defaultSet.pairs, own)
  }
}

function distinct(own: readonly TagPair[], defaultKeys: ReadonlySet<string>): boolean {
  for (let i = 0; i < own.length; i++) {
    const k = own[i]![0]
    if (defaultKeys.has(k)) return false
    for (let j = 0; j < i; j++) if (own[j]![0] === k) return false
  }
  return true
}

/** Defaults first, a given tag replacing a default of the same key; one pair per key; at most 30. */
function merge(defaults: readonly TagPair[], own: TagPair[]): TagSet {
  const byKey = new Map<string, string>()
  for (const [k, v] of defaults) byKey.set(k, v)
  for (const [k, v] of own) byKey.set(k, v)
  let pairs = [...byKey]
  if (pairs.length > MAX_TAGS) {
    bump('droppedTags', pairs.length - MAX_TAGS)
    pairs = pairs.slice(0, MAX_TAGS)
  }
  return { pairs, text: textOf(pairs) }
}
