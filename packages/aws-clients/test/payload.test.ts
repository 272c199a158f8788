import { Buffer } from 'node:buffer'
import { createContext, extractFromRecord, wrapJson } from '@sightline/correlation'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { captureIds } from '../src/capture.js'
import { dataBytes, wrapData, wrapText } from '../src/payload.js'

const { ids } = captureIds(createContext({ ids: { 'x-correlation-id': 'c-1' }, callChainLength: 1 }))
const parent = createContext({ awsRequestId: 'consumer' })

/** What a consumer's handler gets for one Kinesis record carrying `data`, and the IDs it runs with. */
function consumed(data: Uint8Array): { bytes: Buffer; id: string | undefined } {
  const record = { eventSource: 'aws:kinesis', kinesis: { data: Buffer.from(data).toString('base64') } }
  const { context, record: seen } = extractFromRecord(record, parent)
  return { bytes: Buffer.from(seen.kinesis.data, 'base64'), id: context.ids['x-correlation-id'] }
}

const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ')
const jsonObjectText = fc
  .tuple(space, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), space)
  .map(([a, o, b]) => `${a}${JSON.stringify(o, null, o && Object.keys(o).length % 2 ? 2 : 0)}${b}`)
const payloads = fc.oneof(
  jsonObjectText.map((t) => new TextEncoder().encode(t)),
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 16 }).map((b) => Uint8Array.from([0x7b, ...b, 0x7d])), // looks like JSON, often is not
  fc.jsonValue({ maxDepth: 2 }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
  fc.string().map((s) => new TextEncoder().encode(s)),
)

describe('wrapData', () => {
  it('gives the consumer the exact bytes the producer put, whatever they are', () => {
    fc.assert(
      fc.property(payloads, (data) => {
        const copy = Buffer.from(Uint8Array.from(data))
        const wrapped = wrapData(data, ids)
        expect(copy.equals(data)).toBe(true) // never written to
        const sent = wrapped === undefined ? data : (wrapped.data as Uint8Array)
        const { bytes } = consumed(sent)
        expect(bytes.equals(Buffer.from(data))).toBe(true)
        if (wrapped !== undefined) expect(dataBytes(sent) - data.byteLength).toBe(wrapped.addedBytes)
      }),
      { numRuns: 10_000 },
    )
  })

  it('wraps every JSON object, and the consumer runs with its IDs', () => {
    fc.assert(
      fc.property(jsonObjectText, (text) => {
        fc.pre(!text.includes('"__context__"'))
        const wrapped = wrapData(new TextEncoder().encode(text), ids)
        expect(wrapped).toBeDefined()
        expect(consumed(wrapped!.data as Uint8Array).id).toBe('c-1')
      }),
      { numRuns: 2_000 },
    )
  })

  it('keeps text as text and leaves binary, arrays and invalid UTF-8 alone', () => {
    expect(wrapData('{"a":1}', ids)?.data).toBe(
      '{"__context__":{"x-correlation-id":"c-1","debug-log-enabled":"false","call-chain-length":"1"},"a":1}',
    )
    expect(wrapData(Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]), ids)).toBeUndefined()
    expect(wrapData(new TextEncoder().encode('[{"a":1}]'), ids)).toBeUndefined()
    expect(wrapData(new ArrayBuffer(4), ids)).toBeUndefined()
    expect(wrapData(new TextEncoder().encode('{"a":1}'), {})).toBeUndefined()
  })
})

describe('the splice', () => {
  it('gives exactly what wrapJson gives, for text and for bytes', () => {
    const texts = fc.oneof(
      jsonObjectText,
      fc.string(),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    )
    fc.assert(
      fc.property(texts, (text) => {
        const expected = wrapJson(text, ids)
        expect(wrapText(text, ids)?.data ?? text).toBe(expected)
        const bytes = wrapData(new TextEncoder().encode(text), ids)?.data as Uint8Array | undefined
        if (bytes !== undefined) expect(Buffer.from(bytes).toString('utf8')).toBe(expected)
        else expect(expected).toBe(text)
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('wrapText', () => {
  it('counts the bytes it adds, multi-byte payloads included', () => {
    const text = '{"note":"crème ✓ 😀"}'
    const wrapped = wrapText(text, ids)
    expect(Buffer.byteLength(wrapped!.data) - Buffer.byteLength(text)).toBe(wrapped!.addedBytes)
    expect(wrapText(42, ids)).toBeUndefined()
  })
})
