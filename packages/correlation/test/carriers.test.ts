import {
  type Carrier,
  type ClientContext,
  correlationIds,
  createContext,
  ENVELOPE_KEY,
  type Extracted,
  extract,
  getDiagnostics,
  type HeaderMap,
  httpHeaders,
  type Ids,
  inject,
  isIdKey,
  jsonEnvelope,
  lambdaClientContext,
  limits,
  PACKED_KEY,
  type PublishAttributes,
  publishAttributes,
  resetDiagnostics,
  snsEventAttributes,
  snsPublishAttributes,
  sqsEventAttributes,
  sqsSendAttributes,
  unwrapJson,
  wrapJson,
} from '@sightline/correlation'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'

beforeEach(() => {
  resetDiagnostics()
})

const seen = (e: Extracted) => ({ ids: e.ids, debug: e.debug, callChainLength: e.callChainLength })

const ctx = createContext({
  ids: { 'x-correlation-id': 'c0a8f1d2', 'x-correlation-user-id': 'u-42', 'x-correlation-order-id': 'o-7' },
  debug: true,
  callChainLength: 3,
})
const ids = correlationIds(ctx)
const expected = {
  ids: { 'x-correlation-id': 'c0a8f1d2', 'x-correlation-user-id': 'u-42', 'x-correlation-order-id': 'o-7' },
  debug: true,
  callChainLength: 3,
}

type AnyCarrier = { name: string; via: Carrier<any>; empty: () => any }
const carriers: AnyCarrier[] = [
  { name: 'httpHeaders', via: httpHeaders, empty: () => ({}) },
  { name: 'publishAttributes', via: publishAttributes, empty: () => ({}) },
  { name: 'snsEventAttributes', via: snsEventAttributes, empty: () => ({}) },
  { name: 'sqsEventAttributes', via: sqsEventAttributes, empty: () => ({}) },
  { name: 'jsonEnvelope', via: jsonEnvelope, empty: () => ({ orderId: 7 }) },
  { name: 'lambdaClientContext', via: lambdaClientContext, empty: () => ({}) },
]

describe('inject and extract', () => {
  it.each(carriers)('round-trip through $name', ({ via, empty }) => {
    const carrier = empty()
    expect(inject(ids, carrier, via)).toBe(5)
    expect(seen(extract(carrier, via))).toEqual(expected)
    expect(getDiagnostics().droppedIds).toBe(0)
  })

  it('writes HTTP headers as plain lowercase headers', () => {
    const headers: HeaderMap = {}
    inject(ids, headers, httpHeaders)
    expect(headers).toEqual({
      'x-correlation-id': 'c0a8f1d2',
      'x-correlation-user-id': 'u-42',
      'x-correlation-order-id': 'o-7',
      'debug-log-enabled': 'true',
      'call-chain-length': '3',
    })
  })

  it('reads HTTP headers in any case and the first value of multi-value headers', () => {
    const headers: HeaderMap = {
      'X-CORRELATION-ID': ['c0a8f1d2', 'second'],
      'X-Correlation-User-Id': 'u-42',
      'x-correlation-order-ID': ['o-7'],
      'Debug-Log-Enabled': 'true',
      'CALL-CHAIN-LENGTH': ['3'],
      'content-length': 12,
    }
    expect(seen(extract(headers, httpHeaders))).toEqual(expected)
    expect(httpHeaders.get(headers, 'x-correlation-user-id')).toBe('u-42')
    expect(httpHeaders.get(headers, 'x-correlation-id')).toBe('c0a8f1d2')
  })

  it('drops and counts a non-string header value', () => {
    expect(extract({ 'x-correlation-id': 5, 'x-correlation-a': [7] } as never, httpHeaders).ids).toEqual({})
    expect(getDiagnostics().droppedIds).toBe(2)
  })

  it('writes publish attributes as { DataType: String, StringValue }', () => {
    const attrs: PublishAttributes = {}
    inject({ 'x-correlation-id': 'a' }, attrs, snsPublishAttributes)
    expect(attrs).toEqual({ 'x-correlation-id': { DataType: 'String', StringValue: 'a' } })
    expect(sqsSendAttributes).toBe(publishAttributes)
  })

  it('writes SNS and SQS event attributes in their own shapes', () => {
    const sns = {}
    const sqs = {}
    inject({ 'x-correlation-id': 'a' }, sns, snsEventAttributes)
    inject({ 'x-correlation-id': 'a' }, sqs, sqsEventAttributes)
    expect(sns).toEqual({ 'x-correlation-id': { Type: 'String', Value: 'a' } })
    expect(sqs).toEqual({ 'x-correlation-id': { dataType: 'String', stringValue: 'a' } })
  })

  it('ignores attributes that are not strings', () => {
    expect(
      extract(
        {
          'x-correlation-id': { DataType: 'Binary', StringValue: 'a' },
          'x-correlation-b': { DataType: 'String' },
        },
        publishAttributes,
      ).ids,
    ).toEqual({})
    expect(extract({ 'x-correlation-id': { Type: 'Binary', Value: 'a' } }, snsEventAttributes).ids).toEqual(
      {},
    )
    expect(
      extract({ 'x-correlation-id': { dataType: 'Number', stringValue: '1' } }, sqsEventAttributes).ids,
    ).toEqual({})
  })

  it.each([
    ['publishAttributes', publishAttributes, { DataType: 'String', StringValue: 'abc' }],
    ['snsEventAttributes', snsEventAttributes, { Type: 'String', Value: 'abc' }],
    ['sqsEventAttributes', sqsEventAttributes, { dataType: 'String', stringValue: 'abc' }],
  ] as const)('reads the IDs of %s next to a null attribute', (_, via, attribute) => {
    const carrier = { Other: null, 'x-correlation-id': attribute }
    expect(extract(carrier as never, via as Carrier<unknown>).ids).toEqual({ 'x-correlation-id': 'abc' })
  })

  it('writes the JSON envelope under __context__ next to the payload members', () => {
    const payload: Record<string, unknown> = { orderId: 7 }
    inject({ 'x-correlation-id': 'a' }, payload, jsonEnvelope)
    expect(payload).toEqual({ orderId: 7, [ENVELOPE_KEY]: { 'x-correlation-id': 'a' } })
    const replaced: Record<string, unknown> = { [ENVELOPE_KEY]: 'not an object' }
    inject({ 'x-correlation-id': 'b' }, replaced, jsonEnvelope)
    expect(replaced).toEqual({ [ENVELOPE_KEY]: { 'x-correlation-id': 'b' } })
  })

  it('writes the Lambda client context under custom and reads it back as Custom', () => {
    const cc: ClientContext = { client: { app_title: 'x' } }
    inject(ids, cc, lambdaClientContext)
    expect(cc.custom).toEqual(ids)
    // The callee sees `context.clientContext.Custom`, decoded from the base64 the caller sent.
    const sent = Buffer.from(JSON.stringify(cc)).toString('base64')
    const { custom, ...rest } = JSON.parse(Buffer.from(sent, 'base64').toString())
    expect(seen(extract({ ...rest, Custom: custom }, lambdaClientContext))).toEqual(expected)
  })

  it('writes nothing for no IDs', () => {
    const carrier = {}
    expect(inject({}, carrier, httpHeaders)).toBe(0)
    expect(carrier).toEqual({})
  })
})

describe('inject with maxEntries', () => {
  const entries = (carrier: object) => Object.keys(carrier)

  it('writes one entry per ID when they fit', () => {
    for (const max of [5, 10]) {
      const attrs: PublishAttributes = {}
      expect(inject(ids, attrs, publishAttributes, max)).toBe(5)
      expect(entries(attrs).sort()).toEqual(Object.keys(ids).sort())
    }
  })

  it('writes x-correlation-id and one packed sightline-ids entry when they do not', () => {
    for (const max of [2, 3, 4]) {
      const attrs: PublishAttributes = {}
      expect(inject(ids, attrs, publishAttributes, max)).toBe(2)
      expect(entries(attrs)).toEqual(['x-correlation-id', PACKED_KEY])
      expect(attrs['x-correlation-id']!.StringValue).toBe('c0a8f1d2')
      const { 'x-correlation-id': _, ...rest } = ids
      expect(JSON.parse(attrs[PACKED_KEY]!.StringValue!)).toEqual(rest)
      expect(seen(extract(attrs, publishAttributes))).toEqual(expected)
    }
  })

  it('writes only the packed entry when one entry is left', () => {
    const attrs: PublishAttributes = {}
    expect(inject(ids, attrs, publishAttributes, 1)).toBe(1)
    expect(entries(attrs)).toEqual([PACKED_KEY])
    expect(JSON.parse(attrs[PACKED_KEY]!.StringValue!)).toEqual(ids)
    expect(seen(extract(attrs, publishAttributes))).toEqual(expected)
  })

  it('packs everything when there is no x-correlation-id to write on its own', () => {
    const attrs: PublishAttributes = {}
    const noPrimary = { 'x-correlation-a': '1', 'x-correlation-b': '2', 'x-correlation-c': '3' }
    expect(inject(noPrimary, attrs, publishAttributes, 2)).toBe(1)
    expect(extract(attrs, publishAttributes).ids).toEqual(noPrimary)
  })

  it.each([0, -1])('writes nothing when %i entries are left', (max) => {
    const attrs: PublishAttributes = {}
    expect(inject(ids, attrs, publishAttributes, max)).toBe(0)
    expect(attrs).toEqual({})
  })

  it('never writes more entries than allowed and loses no ID (property)', () => {
    const idMap = fc
      .dictionary(
        fc.string({ unit: fc.constantFrom(...'abcdef0123-_.'), minLength: 1, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom(...'abcdefXYZ0123456789 -:/"\\{}'), minLength: 1, maxLength: 64 }),
        { maxKeys: limits.maxIds - 1 },
      )
      .map((d) => {
        const out: Record<string, string> = {}
        for (const [k, v] of Object.entries(d)) out[`x-correlation-${k.replace(/^[-_.]/, 'a')}`] = v
        return out
      })
    fc.assert(
      fc.property(
        idMap,
        fc.boolean(),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 12 }),
        (m, debug, chain, max) => {
          const idsIn: Ids = { ...m, 'debug-log-enabled': String(debug), 'call-chain-length': String(chain) }
          const attrs: PublishAttributes = {}
          const written = inject(idsIn, attrs, publishAttributes, max)
          expect(Object.keys(attrs)).toHaveLength(written)
          expect(written).toBeLessThanOrEqual(max)
          if (max === 0) return
          expect(seen(extract(attrs, publishAttributes))).toEqual({ ids: m, debug, callChainLength: chain })
        },
      ),
      { numRuns: 2_000 },
    )
  })
})

// Keys mostly Sightline's, in any case; values of any Unicode, often long.
const entryKey = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => `x-correlation-${s}`),
  fc.mixedCase(fc.constantFrom('x-correlation-id', 'debug-log-enabled', 'call-chain-length', PACKED_KEY)),
  fc.string({ unit: 'binary', maxLength: 20 }),
)
const entryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc
    .dictionary(
      fc.constantFrom('x-correlation-id', 'x-correlation-a', 'call-chain-length'),
      fc.string({ unit: 'binary' }),
    )
    .map((d) => JSON.stringify(d)),
)
const shaped: Record<string, (v: string) => unknown> = {
  httpHeaders: (v) => (v.length % 2 === 0 ? v : [v]),
  publishAttributes: (v) => ({ DataType: 'String', StringValue: v }),
  snsEventAttributes: (v) => ({ Type: 'String', Value: v }),
  sqsEventAttributes: (v) => ({ dataType: 'String', stringValue: v }),
  jsonEnvelope: (v) => v,
  lambdaClientContext: (v) => v,
}
const wrapAs = (name: string, inner: Record<string, unknown>) =>
  name === 'jsonEnvelope'
    ? { [ENVELOPE_KEY]: inner }
    : name === 'lambdaClientContext'
      ? { Custom: inner }
      : inner

describe('extract properties', () => {
  it('never throws on a garbage carrier', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...carriers),
        fc.anything({ withNullPrototype: true, withBoxedValues: true }),
        (c, garbage) => {
          const out = extract(garbage, c.via)
          for (const [k, v] of Object.entries(out.ids)) {
            expect(isIdKey(k)).toBe(true)
            expect(v).toMatch(/^[\x20-\x7e]{1,256}$/)
          }
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('never gives out an unsafe value, an unknown key or more than the limits allow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...carriers),
        fc.array(fc.tuple(entryKey, entryValue), { maxLength: 30 }),
        (c, list) => {
          const inner: Record<string, unknown> = {}
          for (const [k, v] of list) inner[k] = shaped[c.name]!(v)
          const out = extract(wrapAs(c.name, inner), c.via)
          const keys = Object.keys(out.ids)
          expect(keys.length).toBeLessThanOrEqual(limits.maxIds)
          let bytes = 0
          for (const k of keys) {
            const v = out.ids[k]!
            expect(isIdKey(k)).toBe(true)
            expect(v).toMatch(/^[\x20-\x7e]+$/)
            expect(v.length).toBeLessThanOrEqual(limits.maxValueLength)
            bytes += k.length + v.length
          }
          expect(bytes).toBeLessThanOrEqual(limits.maxTotalBytes)
        },
      ),
      { numRuns: 10_000 },
    )
  })
})

describe('wrapJson and unwrapJson', () => {
  const small = { 'x-correlation-id': 'abc', 'debug-log-enabled': 'false', 'call-chain-length': '2' }

  it('splices the envelope in as the first member and gives back the exact bytes', () => {
    const text = '{ "orderId": 1003, "items": [ "sku-1", "sku-2" ] }'
    const wrapped = wrapJson(text, small)
    expect(wrapped).toBe(
      `{"__context__":${JSON.stringify(small)}, "orderId": 1003, "items": [ "sku-1", "sku-2" ] }`,
    )
    expect(JSON.parse(wrapped)).toEqual({ ...JSON.parse(text), [ENVELOPE_KEY]: small })
    const { ids: found, payload } = unwrapJson(wrapped)
    expect(payload).toBe(text)
    expect(seen(found)).toEqual({ ids: { 'x-correlation-id': 'abc' }, debug: false, callChainLength: 2 })
  })

  it('wraps and unwraps an empty object', () => {
    const wrapped = wrapJson('{}', small)
    expect(JSON.parse(wrapped)).toEqual({ [ENVELOPE_KEY]: small })
    expect(unwrapJson(wrapped).payload).toBe('{}')
  })

  it.each(['{ }', '{\n}', '\n {\t}\n'])('gives back the exact bytes of the empty object %j', (text) => {
    const wrapped = wrapJson(text, small)
    expect(JSON.parse(wrapped)).toEqual({ [ENVELOPE_KEY]: small })
    expect(unwrapJson(wrapped).payload).toBe(text)
  })

  it('keeps whitespace around the document', () => {
    const text = '\r\n\t {"a":[1,{"b":null}]}  \n'
    const wrapped = wrapJson(text, small)
    expect(wrapped.startsWith('\r\n\t {"__context__":')).toBe(true)
    expect(unwrapJson(wrapped).payload).toBe(text)
  })

  it('reads and strips a dazn-style envelope placed last', () => {
    const text =
      '{"orderId":1,"__context__":{"x-correlation-id":"dazn-1","call-chain-length":2,"awsRequestId":"r"}}'
    const { ids: found, payload } = unwrapJson(text)
    expect(payload).toBe('{"orderId":1}')
    expect(seen(found)).toEqual({
      ids: { 'x-correlation-id': 'dazn-1' },
      debug: undefined,
      callChainLength: 2,
    })
  })

  it('reads and strips a dazn-style envelope placed first', () => {
    const text = '{"__context__":{"x-correlation-id":"dazn-2"},"orderId":2}'
    expect(unwrapJson(text)).toMatchObject({
      ids: { ids: { 'x-correlation-id': 'dazn-2' } },
      payload: '{"orderId":2}',
    })
  })

  it('drops unsafe envelope values', () => {
    const text = wrapJson('{"a":1}', { 'x-correlation-id': 'bad\nvalue', 'x-correlation-ok': 'fine' })
    expect(unwrapJson(text).ids.ids).toEqual({ 'x-correlation-ok': 'fine' })
    expect(getDiagnostics().droppedIds).toBe(1)
  })

  it('passes a payload whose envelope cannot be parsed on untouched, and counts it', () => {
    const text = '{"__context__":{"x-correlation-id":"a"},"orderId":'
    expect(unwrapJson(text)).toMatchObject({ ids: { ids: {} }, payload: text })
    expect(getDiagnostics().unreadableEnvelopes).toBe(1)
  })

  it('counts an envelope that is not an object as unreadable', () => {
    const texts = [
      '{"__context__":"x-correlation-id=a","orderId":1}',
      '{"orderId":1,"__context__":["a"]}',
      '{"__context__":null,"orderId":1}',
    ]
    for (const text of texts) expect(unwrapJson(text).ids.ids).toEqual({})
    expect(getDiagnostics().unreadableEnvelopes).toBe(texts.length)
  })

  it('does not wrap a payload that already carries an envelope', () => {
    const once = wrapJson('{"a":1}', small)
    expect(wrapJson(once, { 'x-correlation-id': 'other' })).toBe(once)
    const dazn = '{"a":1,"__context__":{"x-correlation-id":"d"}}'
    expect(wrapJson(dazn, small)).toBe(dazn)
  })

  it('does not wrap when there are no IDs', () => {
    expect(wrapJson('{"a":1}', {})).toBe('{"a":1}')
    expect(wrapJson('{"a":1}', {}, '')).toBe('{"a":1}')
  })

  const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'

  it('carries the trace header in the envelope and gives it back with the exact bytes', () => {
    const text = '{"postId":"p-1","followers":["a","b"]}'
    const wrapped = wrapJson(text, small, TRACE)
    expect(JSON.parse(wrapped)[ENVELOPE_KEY]).toEqual({ ...small, 'x-amzn-trace-id': TRACE })
    const unwrapped = unwrapJson(wrapped)
    expect(unwrapped.payload).toBe(text)
    expect(unwrapped.traceHeader).toBe(TRACE)
    expect(unwrapped.ids.ids).toEqual({ 'x-correlation-id': 'abc' })
    // A trace header alone is worth an envelope.
    expect(unwrapJson(wrapJson(text, {}, TRACE))).toMatchObject({ payload: text, traceHeader: TRACE })
    // No trace in the envelope: none given back.
    expect(unwrapJson(wrapJson(text, small))).not.toHaveProperty('traceHeader')
  })

  it.each([
    ['a number', 42],
    ['an object', { Root: '1-2-3' }],
    ['an empty string', ''],
    ['a line break', `${TRACE}\nforged: 1`],
    ['non-ASCII', `${TRACE};Lineage=é`],
    ['too long', `Root=1-5759e988-bd862e3fe1be46a994272793;x=${'a'.repeat(2_100)}`],
  ])('drops an envelope trace header that is %s, and counts it', (_, value) => {
    resetDiagnostics()
    const text = `{"__context__":${JSON.stringify({ 'x-correlation-id': 'abc', 'x-amzn-trace-id': value })},"a":1}`
    const unwrapped = unwrapJson(text)
    expect(unwrapped.traceHeader).toBeUndefined()
    expect(unwrapped.payload).toBe('{"a":1}')
    expect(unwrapped.ids.ids).toEqual({ 'x-correlation-id': 'abc' })
    expect(getDiagnostics().droppedTraceEntries).toBe(1)
  })

  it.each([
    '[1,2,3]',
    '[{"a":1}]',
    '"a string"',
    '42',
    'null',
    'true',
    '',
    '   ',
    'plain text',
    '{"a":',
    '{"a":1}}',
    '{not json}',
    '{"a":1} trailing',
    '\ufeff{"a":1}',
    '\u0000\u00ff\u00fe{"\u0001":1}',
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x7b, 0x22]).toString('latin1'),
  ])('leaves %j unchanged', (text) => {
    expect(wrapJson(text, small)).toBe(text)
    expect(unwrapJson(text)).toMatchObject({ ids: { ids: {} }, payload: text })
  })

  const noEnvelope = (v: object) => !Object.hasOwn(v, ENVELOPE_KEY)
  const objects = fc.oneof(
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
    fc.object({ maxDepth: 3 }),
  )
  const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 })

  it('gives back the exact bytes of any JSON object (property)', () => {
    fc.assert(
      fc.property(
        objects.filter(noEnvelope),
        fc.constantFrom(0, 2, '\t'),
        whitespace,
        whitespace,
        (v, indent, lead, trail) => {
          const compact = JSON.stringify(v)
          const text = lead + (indent === 0 ? compact : JSON.stringify(v, null, indent)) + trail
          const wrapped = wrapJson(text, small)
          expect(wrapped).not.toBe(text)
          expect(JSON.parse(wrapped)).toEqual({ ...JSON.parse(text), [ENVELOPE_KEY]: small })
          const { ids: found, payload } = unwrapJson(wrapped)
          expect(payload).toBe(text)
          expect(found.ids).toEqual({ 'x-correlation-id': 'abc' })
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('gives back the exact bytes of fc.json() objects (property)', () => {
    const json = fc.json({ maxDepth: 3 }).filter((t) => {
      const v = JSON.parse(t)
      return v !== null && typeof v === 'object' && !Array.isArray(v) && noEnvelope(v)
    })
    fc.assert(
      fc.property(json, (text) => {
        expect(unwrapJson(wrapJson(text, small)).payload).toBe(text)
      }),
      { numRuns: 10_000 },
    )
  })

  it('leaves anything that is not a JSON object unchanged, byte for byte (property)', () => {
    const isObject = (t: string) => {
      try {
        const v = JSON.parse(t)
        return v !== null && typeof v === 'object' && !Array.isArray(v)
      } catch {
        return false
      }
    }
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `{${s}`),
      fc.json({ maxDepth: 2 }),
      fc.array(fc.jsonValue({ maxDepth: 2 })).map((a) => JSON.stringify(a)),
      fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
    )
    fc.assert(
      fc.property(text, (t) => {
        if (isObject(t)) return
        expect(wrapJson(t, small)).toBe(t)
        expect(unwrapJson(t).payload).toBe(t)
      }),
      { numRuns: 10_000 },
    )
  })

  it('never throws in unwrapJson and never gives out an unsafe value (property)', () => {
    const envelope = fc
      .dictionary(
        fc.string({ maxLength: 20 }).map((s) => `x-correlation-${s}`),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map((d) => `{"__context__":${JSON.stringify(d)},"a":1}`)
    const traced = fc
      .oneof(fc.string({ unit: 'binary', maxLength: 2_100 }), fc.jsonValue({ maxDepth: 1 }))
      .map((v) => `{"__context__":${JSON.stringify({ 'x-amzn-trace-id': v })},"a":1}`)
    fc.assert(
      fc.property(fc.oneof(envelope, traced, fc.string({ unit: 'binary' })), (t) => {
        const { ids: found, traceHeader } = unwrapJson(t)
        for (const v of Object.values(found.ids)) expect(v).toMatch(/^[\x20-\x7e]{1,256}$/)
        if (traceHeader !== undefined) expect(traceHeader).toMatch(/^[\x20-\x7e]{1,2048}$/)
      }),
      { numRuns: 10_000 },
    )
  })
})
