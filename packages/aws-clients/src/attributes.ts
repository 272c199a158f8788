import {
  CHAIN_KEY,
  DEBUG_KEY,
  extract,
  type Ids,
  inject,
  isIdKey,
  isSafeValue,
  PACKED_KEY,
  type PublishAttributes,
  publishAttributes,
} from '@sightline/correlation'
import { awsLimits } from './limits.js'

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)

/** The caller's attributes with the IDs added, and how many bytes that added; or why it was not done. */
export type AttributesResult =
  | { readonly attributes: PublishAttributes; readonly addedBytes: number }
  | 'attributes-full'
  | 'too-large'
  | undefined

/**
 * Adds `ids` to a copy of SNS `Publish` / SQS `SendMessage` attributes, keeping the message within 10
 * attributes and within the size limit (`bodyBytes` plus every attribute; at most `spareBytes` more, the
 * room a batch has left). The caller's own Sightline entries (a forwarded `x-correlation-id`, say) are
 * replaced by ours and not counted twice; the IDs are packed into `sightline-ids` when the caller's
 * attributes leave fewer slots than there are IDs.
 */
export function addAttributes(
  given: unknown,
  ids: Ids,
  bodyBytes: number,
  spareBytes = Number.POSITIVE_INFINITY,
): AttributesResult {
  let any = false
  for (const _ in ids) {
    any = true
    break
  }
  if (!any) return undefined
  const attrs = isObj(given) ? given : undefined
  let others = 0
  let replaced: Obj | undefined
  let before = 0
  let replacedBytes = 0
  if (attrs !== undefined) {
    for (const key in attrs) {
      if (!Object.hasOwn(attrs, key)) continue
      const bytes = attributeBytes(key, attrs[key])
      before += bytes
      if (isOurs(key, attrs[key])) {
        ;(replaced ??= {})[key] = attrs[key]
        replacedBytes += bytes
      } else others++
    }
  }
  const room = awsLimits.maxMessageAttributes - others
  if (room < 1) return 'attributes-full'
  // The caller's own entries join ours (ours win): a fresh set, so not cached.
  const ours =
    replaced === undefined
      ? entriesOf(ids, room)
      : build({ ...extract(replaced as never, publishAttributes).ids, ...ids }, room)
  // A caller attribute under one of our names that we could not read (a Number, say) is overwritten too.
  let overwritten = 0
  if (attrs !== undefined) {
    for (const [key] of ours.entries) {
      if (Object.hasOwn(attrs, key) && (replaced === undefined || !Object.hasOwn(replaced, key)))
        overwritten += attributeBytes(key, attrs[key])
    }
  }
  const addedBytes = ours.bytes - replacedBytes - overwritten
  if (addedBytes > spareBytes || bodyBytes + before + addedBytes > awsLimits.maxMessageBytes)
    return 'too-large'
  const out: Obj = {}
  if (attrs !== undefined) {
    for (const key in attrs) {
      if (Object.hasOwn(attrs, key) && (replaced === undefined || !Object.hasOwn(replaced, key)))
        copyInto(out, key, attrs[key])
    }
  }
  for (const [key, value] of ours.entries) out[key] = value
  return { attributes: out as PublishAttributes, addedBytes }
}

/** Our attributes for one set of IDs and a number of slots, and what they weigh. */
interface Entries {
  readonly entries: ReadonlyArray<readonly [string, Readonly<PublishAttributes[string]>]>
  readonly bytes: number
}

// Per (frozen, cached) set of IDs and per slot count: the attribute objects are built once and shared by
// every message sent with those IDs (frozen: the SDK only reads them).
const cache = new WeakMap<Ids, Array<Entries | undefined>>()

function entriesOf(ids: Ids, room: number): Entries {
  let bySlots = cache.get(ids)
  if (bySlots === undefined) {
    bySlots = []
    cache.set(ids, bySlots)
  }
  let found = bySlots[room]
  if (found === undefined) {
    found = build(ids, room)
    bySlots[room] = found
  }
  return found
}

function build(ids: Ids, room: number): Entries {
  const written: PublishAttributes = {}
  inject(ids, written, publishAttributes, entryBudget(ids, room))
  let bytes = 0
  const entries = Object.entries(written).map(([key, value]) => {
    bytes += attributeBytes(key, value)
    return [key, Object.freeze(value)] as const
  })
  return { entries, bytes }
}

/** `__proto__` is a valid attribute name: define it, as an assignment would set the prototype instead. */
function copyInto(out: Obj, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

/**
 * SNS and SQS refuse an attribute name with two periods in a row or a trailing period, which an ID key may
 * have: such IDs travel packed in `sightline-ids` (JSON has no such rule), so the publish cannot fail.
 */
function entryBudget(ids: Ids, room: number): number {
  for (const key in ids) {
    if (key.endsWith('.') || key.includes('..')) return Object.keys(ids).length > 2 ? Math.min(room, 2) : 1
  }
  return room
}

/** A caller's attribute that we take over: one of our names, with a value we can read. */
function isOurs(key: string, value: unknown): boolean {
  const c = key.charCodeAt(0) | 32
  if (c !== 120 /* x */ && c !== 100 /* d */ && c !== 99 /* c */ && c !== 115 /* s */) return false
  if (!isObj(value) || value.DataType !== 'String' || typeof value.StringValue !== 'string') return false
  const name = key.toLowerCase()
  if (name === PACKED_KEY) return true
  return (isIdKey(name) || name === DEBUG_KEY || name === CHAIN_KEY) && isSafeValue(value.StringValue)
}

/** What an attribute counts towards the message size: its name, its type and its value(s), in bytes. */
export function attributeBytes(name: string, value: unknown): number {
  let n = utf8Bytes(name)
  if (!isObj(value)) return n
  n += utf8Bytes(value.DataType)
  n += utf8Bytes(value.StringValue) + binaryBytes(value.BinaryValue)
  if (Array.isArray(value.StringListValues)) for (const s of value.StringListValues) n += utf8Bytes(s)
  if (Array.isArray(value.BinaryListValues)) for (const b of value.BinaryListValues) n += binaryBytes(b)
  return n
}

/** Message attributes, all together. */
export function attributesBytes(attrs: unknown): number {
  if (!isObj(attrs)) return 0
  let n = 0
  for (const key in attrs) if (Object.hasOwn(attrs, key)) n += attributeBytes(key, attrs[key])
  return n
}

export function utf8Bytes(s: unknown): number {
  return typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0
}

function binaryBytes(b: unknown): number {
  if (b instanceof Uint8Array) return b.byteLength
  return utf8Bytes(b)
}
