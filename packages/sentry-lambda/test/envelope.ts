// Parses a Sentry envelope as the SDK serialises it: a JSON header line, then for each item a JSON item
// header line and its payload: `length` bytes when the header gives one, else up to the next newline.

export interface EnvelopeItem {
  readonly header: Record<string, unknown>
  /** The payload parsed as JSON, or the raw text when it is not JSON. */
  readonly payload: unknown
}

export interface Envelope {
  readonly header: Record<string, unknown>
  readonly items: readonly EnvelopeItem[]
}

const NEWLINE = 0x0a

/** Never throws: a malformed body gives `undefined`. */
export function parseEnvelope(body: Uint8Array): Envelope | undefined {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  let at = 0
  const line = (): string | undefined => {
    if (at >= buf.length) return undefined
    const end = buf.indexOf(NEWLINE, at)
    const stop = end < 0 ? buf.length : end
    const text = buf.toString('utf8', at, stop)
    at = stop + 1
    return text
  }
  const header = objectOf(line())
  if (header === undefined) return undefined
  const items: EnvelopeItem[] = []
  for (let text = line(); text !== undefined; text = line()) {
    if (text === '' && at >= buf.length) break
    const itemHeader = objectOf(text)
    if (itemHeader === undefined) return undefined
    const length = itemHeader.length
    let raw: string
    if (typeof length === 'number' && Number.isInteger(length) && length >= 0) {
      if (at + length > buf.length) return undefined
      raw = buf.toString('utf8', at, at + length)
      at += length
      if (buf[at] === NEWLINE) at++
    } else {
      raw = line() ?? ''
    }
    items.push({ header: itemHeader, payload: jsonOr(raw) })
  }
  return { header, items }
}

function objectOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  const value = jsonOr(text)
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
