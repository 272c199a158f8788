import { bump } from './diagnostics.js'
import type { TagPair } from './tags.js'

const MAX = 2 ** 360
const MIN = 2 ** -360

/** CloudWatch stores values within ±2^360 whose magnitude is 0 or at least 2^-360; it rejects the rest. */
export function storable(value: number): boolean {
  const a = Math.abs(value)
  return a === 0 || (a >= MIN && a <= MAX)
}

export interface Dimension {
  Name: string
  Value: string
}

const NON_ASCII = /[^\x20-\x7e]/
const NON_ASCII_G = /[^\x20-\x7e]+/g
const encoder = new TextEncoder()

/**
 * CloudWatch dimension names and values are printable ASCII with something besides blanks. Tags are
 * already free of control characters; other non-ASCII characters are percent-encoded (UTF-8), which
 * keeps distinct values distinct. Pairs that cannot fit are dropped and counted.
 */
export function dimensionsOf(pairs: readonly TagPair[]): Dimension[] {
  const out: Dimension[] = []
  for (const [k, v] of pairs) {
    const Name = ascii(k, 255)
    const Value = ascii(v, 1024)
    if (Name === undefined || Value === undefined) {
      bump('droppedTags')
      continue
    }
    out.push({ Name, Value })
  }
  return out
}

function ascii(s: string, max: number): string | undefined {
  let out = NON_ASCII.test(s) ? s.replace(NON_ASCII_G, percent) : s
  if (out.length > max) {
    out = out.slice(0, max)
    // Do not leave half of a %XX escape at the end.
    const pct = out.lastIndexOf('%', max - 1)
    if (pct >= max - 2 && pct >= 0) out = out.slice(0, pct)
  }
  return out.trim() === '' ? undefined : out
}

function percent(run: string): string {
  let s = ''
  for (const byte of encoder.encode(run)) s += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return s
}
