import { ENVELOPE_KEY, type Ids } from '@sightline/correlation'

/** A payload with the envelope in, and how many bytes that added. */
export interface Wrapped<D> {
  readonly data: D
  readonly addedBytes: number
}

const PREFIX = `{"${ENVELOPE_KEY}":`

/** `{"__context__":{…}` for one set of IDs, as text and as bytes; built once per (frozen, cached) IDs. */
interface Envelope {
  readonly text: string
  readonly bytes: Uint8Array
}
const envelopes = new WeakMap<Ids, Envelope>()
const encoder = new TextEncoder()

function envelopeOf(ids: Ids): Envelope {
  let envelope = envelopes.get(ids)
  if (envelope === undefined) {
    const text = `${PREFIX}${JSON.stringify(ids)}`
    envelope = { text, bytes: encoder.encode(text) }
    envelopes.set(ids, envelope)
  }
  return envelope
}

/**
 * Where the envelope goes in a JSON object text (the index of its `{`), whether the object is empty (no
 * comma after the envelope), or `undefined` when the text is not a JSON object without an envelope. This is
 * `wrapJson` from @sightline/correlation split in two, so the envelope is serialised once per set of IDs
 * and bytes are spliced as bytes (the tests check both give wrapJson's output exactly).
 */
function spliceAt(text: string): { start: number; empty: boolean } | undefined {
  let start = 0
  while (start < text.length && isJsonSpace(text.charCodeAt(start))) start++
  if (text.charCodeAt(start) !== 123 /* { */ || text.startsWith(PREFIX, start)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  if (Object.hasOwn(parsed, ENVELOPE_KEY)) return undefined
  for (const _ in parsed) return { start, empty: false }
  return { start, empty: true }
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

function hasIds(ids: Ids): boolean {
  for (const _ in ids) return true
  return false
}

/**
 * A JSON object text with the `__context__` envelope spliced in as its first member; `undefined` for
 * anything else (not JSON, not an object, already wrapped, no IDs). The envelope is printable ASCII, so
 * the bytes added are the characters added.
 */
export function wrapText(text: unknown, ids: Ids): Wrapped<string> | undefined {
  if (typeof text !== 'string' || !hasIds(ids)) return undefined
  const at = spliceAt(text)
  if (at === undefined) return undefined
  const envelope = envelopeOf(ids).text
  const data = `${text.slice(0, at.start)}${envelope}${at.empty ? '' : ','}${text.slice(at.start + 1)}`
  return { data, addedBytes: data.length - text.length }
}

// fatal: bytes that are not UTF-8 are not JSON text; they are sent as they came. ignoreBOM keeps a BOM.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Record data (Kinesis, Firehose) with the envelope, when it is a JSON object: bytes stay bytes, text stays
 * text. The caller's bytes are copied around the envelope, never decoded and re-encoded, so the consumer
 * gets them back exactly. Binary, other text and invalid UTF-8 give `undefined`.
 */
export function wrapData(data: unknown, ids: Ids): Wrapped<Uint8Array | string> | undefined {
  if (typeof data === 'string') return wrapText(data, ids)
  if (!(data instanceof Uint8Array) || !hasIds(ids)) return undefined
  let start = 0
  while (start < data.length && isJsonSpace(data[start]!)) start++
  if (data[start] !== 123 /* { */) return undefined
  let text: string
  try {
    text = decoder.decode(data)
  } catch {
    return undefined
  }
  const at = spliceAt(text)
  if (at === undefined) return undefined
  // Leading JSON whitespace is ASCII: `at.start` is the same index in characters and in bytes.
  const envelope = envelopeOf(ids).bytes
  const comma = at.empty ? 0 : 1
  // allocUnsafe: small records come from Node's pool, many times cheaper than a fresh Uint8Array.
  const out = Buffer.allocUnsafe(data.byteLength + envelope.byteLength + comma - 1)
  out.set(data.subarray(0, start), 0)
  out.set(envelope, start)
  if (comma === 1) out[start + envelope.byteLength] = 44 /* , */
  out.set(data.subarray(start + 1), start + envelope.byteLength + comma)
  return { data: out, addedBytes: envelope.byteLength + comma - 1 }
}

/** Bytes of record data as the service counts them. */
export function dataBytes(data: unknown): number {
  if (data instanceof Uint8Array) return data.byteLength
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0
}
