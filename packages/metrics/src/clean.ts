import { bump } from './diagnostics.js'

export const MAX_NAME = 200
export const MAX_TAG_KEY = 100
export const MAX_TAG_VALUE = 200

const NAME_OK = /^[A-Za-z0-9_.]+$/
const NAME_BAD = /[^A-Za-z0-9_.]/g

// What may not appear in a tag: the line's separators (| , #), line breaks and every other control
// character (C0, DEL, C1 with NEL), the Unicode line/paragraph separators, and lone surrogates (which a
// write would turn into U+FFFD). `:` is also stripped from keys, as it separates key from value.
const TAG_BAD = /[|,#\p{Cc}\u2028\u2029]|\p{Cs}/gu
const TAG_BAD_TEST = /[|,#\p{Cc}\u2028\u2029]|\p{Cs}/u
const KEY_BAD = /[|,#:\p{Cc}\u2028\u2029]|\p{Cs}/gu
const KEY_BAD_TEST = /[|,#:\p{Cc}\u2028\u2029]|\p{Cs}/u
const BLANK = /^\s*$/
// The common case, checked without the Unicode-aware patterns: short printable ASCII, nothing to strip.
const PLAIN_VALUE = /^[\w.\-:/@+=~!$%&*()?;]{1,200}$/

/**
 * A metric name restricted to `[A-Za-z0-9_.]`, at most 200 characters: other characters become `_`
 * (counted in `cleanedNames`). Undefined (counted in `invalidNames`) when nothing usable is left.
 */
export function cleanName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    bump('invalidNames')
    return undefined
  }
  if (name.length <= MAX_NAME && NAME_OK.test(name)) return name
  bump('cleanedNames')
  const cleaned = name.slice(0, MAX_NAME).replace(NAME_BAD, '_')
  if (/^_*$/.test(cleaned)) {
    bump('invalidNames')
    return undefined
  }
  return cleaned
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s
  bump('truncatedTags')
  const code = s.charCodeAt(max - 1)
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}

/** A tag key without separators or control characters; undefined when nothing is left. */
export function cleanTagKey(key: string): string | undefined {
  const k = cut(KEY_BAD_TEST.test(key) ? key.replace(KEY_BAD, '') : key, MAX_TAG_KEY)
  return BLANK.test(k) ? undefined : k
}

/** A tag value without separators or control characters; undefined when nothing (but blanks) is left. */
export function cleanTagValue(value: string): string | undefined {
  if (PLAIN_VALUE.test(value)) return value
  const v = cut(TAG_BAD_TEST.test(value) ? value.replace(TAG_BAD, '') : value, MAX_TAG_VALUE)
  return BLANK.test(v) ? undefined : v
}
