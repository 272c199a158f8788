import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseEnvelope } from './envelope.js'

const json = fc.jsonValue()
// 'length' is the one item-header key the format reads.
const header = fc.dictionary(
  fc.string().filter((k) => k !== 'length'),
  json,
)
const item = fc.record({ header, payload: json, withLength: fc.boolean() })

/** Serialises as the SDK does: header line, then an item header line and its payload per item. */
function serialise(
  envelopeHeader: object,
  items: Array<{ header: object; payload: unknown; withLength: boolean }>,
) {
  let out = JSON.stringify(envelopeHeader)
  for (const i of items) {
    const payload = JSON.stringify(i.payload)
    const h = i.withLength ? { ...i.header, length: Buffer.byteLength(payload) } : i.header
    out += `\n${JSON.stringify(h)}\n${payload}`
  }
  return Buffer.from(out)
}

describe('parseEnvelope (the test receiver’s parser)', () => {
  it('reads back every envelope the SDK’s format can express', () => {
    fc.assert(
      fc.property(header, fc.array(item, { maxLength: 5 }), (h, items) => {
        const parsed = parseEnvelope(serialise(h, items))
        const viaJson = (x: unknown) => JSON.parse(JSON.stringify(x)) // -0 is 0 on the wire
        expect(parsed?.header).toEqual(viaJson(h))
        expect(parsed?.items.map((i) => i.payload)).toEqual(items.map((i) => viaJson(i.payload)))
      }),
      { numRuns: 2_000 },
    )
  })

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        parseEnvelope(bytes)
      }),
      { numRuns: 10_000 },
    )
  })

  it('reads a payload holding newlines when its header gives the length', () => {
    const body = Buffer.from(
      '{"event_id":"a"}\n{"type":"attachment","length":5}\na\nb\nc\n{"type":"event"}\n{"x":1}',
    )
    expect(parseEnvelope(body)?.items.map((i) => i.payload)).toEqual(['a\nb\nc', { x: 1 }])
  })
})
