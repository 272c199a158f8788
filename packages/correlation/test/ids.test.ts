import {
  CHAIN_KEY,
  DEBUG_KEY,
  getDiagnostics,
  isIdKey,
  isSafeValue,
  limits,
  normalizeKey,
  PACKED_KEY,
  resetDiagnostics,
} from '@sightline/correlation'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { IdCollector } from '../src/ids.js'

const droppedIds = () => getDiagnostics().droppedIds

beforeEach(() => {
  resetDiagnostics()
})

const collect = (entries: ReadonlyArray<readonly [string, unknown]>) => {
  const c = new IdCollector()
  for (const [k, v] of entries) c.offer(k, v)
  return c
}

describe('isSafeValue', () => {
  it.each(['a', ' ', '~', 'c0a8f1d2-5b7e-4c3a-9f10-2d6e8b4a7c91', 'a'.repeat(256)])('accepts %j', (value) => {
    expect(isSafeValue(value)).toBe(true)
  })

  it.each([
    '',
    'a'.repeat(257),
    'a\r\nSet-Cookie: x',
    'tab\there',
    'nul\0',
    '\x1b[31mred',
    'caf\u00e9',
    '\u2028',
    '\ud800',
    '\x7f',
  ])('refuses %j', (value) => {
    expect(isSafeValue(value)).toBe(false)
  })

  it.each([undefined, null, 1, true, {}, ['a']])('refuses the non-string %j', (value) => {
    expect(isSafeValue(value)).toBe(false)
  })

  it('accepts exactly the strings of 1 to maxValueLength printable ASCII characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const printable = [...s].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) <= 0x7e)
        expect(isSafeValue(s)).toBe(printable && s.length >= 1 && s.length <= limits.maxValueLength)
      }),
      { numRuns: 10_000 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 300 }), (s) => {
        const accepted = isSafeValue(s)
        expect(accepted).toBe(/^[\x20-\x7e]+$/.test(s) && s.length <= limits.maxValueLength)
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('keys', () => {
  it('normalises a short name to its x-correlation- key, lowercase', () => {
    expect(normalizeKey('user-id')).toBe('x-correlation-user-id')
    expect(normalizeKey('User-Id')).toBe('x-correlation-user-id')
    expect(normalizeKey('X-Correlation-Order-Id')).toBe('x-correlation-order-id')
  })

  it('accepts lowercase x-correlation- keys up to maxKeyLength characters', () => {
    const longest = `x-correlation-${'a'.repeat(limits.maxKeyLength - 'x-correlation-'.length)}`
    expect(longest).toHaveLength(limits.maxKeyLength)
    expect(isIdKey('x-correlation-id')).toBe(true)
    expect(isIdKey('x-correlation-user_id.v2')).toBe(true)
    expect(isIdKey(longest)).toBe(true)
    expect(isIdKey(`${longest}a`)).toBe(false)
    expect(isIdKey('x-correlation-')).toBe(false)
    expect(isIdKey('X-Correlation-Id')).toBe(false)
    expect(isIdKey('x-correlation-a b')).toBe(false)
    expect(isIdKey('correlation-id')).toBe(false)
  })
})

describe('IdCollector', () => {
  it('collects x-correlation-* keys in any case, lowercased', () => {
    const c = collect([
      ['X-Correlation-Id', 'abc'],
      ['x-correlation-USER-id', 'u1'],
      ['content-type', 'text/plain'],
    ])
    expect(c.ids).toEqual({ 'x-correlation-id': 'abc', 'x-correlation-user-id': 'u1' })
    expect(c.size).toBe(2)
    expect(droppedIds()).toBe(0)
  })

  it('keeps the first value of a duplicate key without counting the second', () => {
    const c = collect([
      ['x-correlation-id', 'first'],
      ['X-CORRELATION-ID', 'second'],
    ])
    expect(c.ids).toEqual({ 'x-correlation-id': 'first' })
    expect(droppedIds()).toBe(0)
  })

  it('drops and counts unsafe values, bad keys and non-strings', () => {
    const c = collect([
      ['x-correlation-id', 'a\nb'],
      ['x-correlation-user-id', 'x'.repeat(257)],
      ['x-correlation-', 'v'],
      ['x-correlation-a b', 'v'],
      ['x-correlation-n', 5],
      ['x-correlation-o', { a: 1 }],
      ['x-correlation-ok', 'fine'],
    ])
    expect(c.ids).toEqual({ 'x-correlation-ok': 'fine' })
    expect(droppedIds()).toBe(6)
  })

  it('accepts at most maxIds IDs', () => {
    const entries = Array.from(
      { length: limits.maxIds + 3 },
      (_, i) => [`x-correlation-k${i}`, `v${i}`] as const,
    )
    const c = collect(entries)
    expect(Object.keys(c.ids)).toHaveLength(limits.maxIds)
    expect(c.ids).toHaveProperty('x-correlation-k0', 'v0')
    expect(c.ids).not.toHaveProperty(`x-correlation-k${limits.maxIds}`)
    expect(droppedIds()).toBe(3)
  })

  it('accepts at most maxTotalBytes of keys and values', () => {
    const value = 'v'.repeat(limits.maxValueLength)
    const entries = Array.from({ length: limits.maxIds }, (_, i) => [`x-correlation-k${i}`, value] as const)
    const c = collect(entries)
    const bytes = Object.entries(c.ids).reduce((n, [k, v]) => n + k.length + v.length, 0)
    expect(bytes).toBeLessThanOrEqual(limits.maxTotalBytes)
    const kept = Object.keys(c.ids).length
    expect(kept).toBeLessThan(limits.maxIds)
    // The first refused entry is the one that would have crossed the budget.
    expect(bytes + `x-correlation-k${kept}`.length + value.length).toBeGreaterThan(limits.maxTotalBytes)
    expect(droppedIds()).toBe(limits.maxIds - kept)
  })

  it.each([
    ['true', true],
    ['false', false],
    [true, true],
    [false, false],
  ] as const)('reads debug-log-enabled %j as %j', (value, expected) => {
    expect(collect([[DEBUG_KEY, value]]).debug).toBe(expected)
    expect(droppedIds()).toBe(0)
  })

  it.each(['TRUE', 'yes', '1', '', 1, null, undefined])('drops and counts debug-log-enabled %j', (value) => {
    expect(collect([[DEBUG_KEY, value]]).debug).toBeUndefined()
    expect(droppedIds()).toBe(1)
  })

  it('keeps the first debug decision, in any key case', () => {
    expect(
      collect([
        ['Debug-Log-Enabled', 'true'],
        [DEBUG_KEY, 'false'],
      ]).debug,
    ).toBe(true)
  })

  it.each([
    ['0', 0],
    ['3', 3],
    ['000042', 42],
    [7, 7],
    [String(limits.maxCallChainLength), limits.maxCallChainLength],
  ] as const)('reads call-chain-length %j as %j', (value, expected) => {
    expect(collect([[CHAIN_KEY, value]]).callChainLength).toBe(expected)
    expect(droppedIds()).toBe(0)
  })

  it.each([
    '-1',
    '1.5',
    '1e3',
    ' 3',
    '0x10',
    '',
    'abc',
    String(limits.maxCallChainLength + 1),
    '1234567',
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
  ])('drops and counts call-chain-length %j', (value) => {
    expect(collect([[CHAIN_KEY, value]]).callChainLength).toBeUndefined()
    expect(droppedIds()).toBe(1)
  })

  it('keeps the first call-chain-length, in any key case', () => {
    expect(
      collect([
        ['Call-Chain-Length', '2'],
        [CHAIN_KEY, '9'],
      ]).callChainLength,
    ).toBe(2)
  })

  it('offers every own entry of an object', () => {
    const c = new IdCollector()
    const proto = { 'x-correlation-inherited': 'no' }
    const source = Object.assign(Object.create(proto), { 'x-correlation-id': 'a', [CHAIN_KEY]: 4 })
    c.offerAll(source)
    c.offerAll(null)
    c.offerAll('x-correlation-id')
    expect(c.ids).toEqual({ 'x-correlation-id': 'a' })
    expect(c.callChainLength).toBe(4)
  })
})

describe('the packed sightline-ids entry', () => {
  it('unpacks IDs, debug and call-chain-length from one JSON entry', () => {
    const packed = JSON.stringify({
      'x-correlation-user-id': 'u1',
      'x-correlation-order-id': 'o1',
      [DEBUG_KEY]: 'true',
      [CHAIN_KEY]: '3',
    })
    const c = collect([
      ['x-correlation-id', 'abc'],
      ['Sightline-IDs', packed],
    ])
    expect(c.ids).toEqual({
      'x-correlation-id': 'abc',
      'x-correlation-user-id': 'u1',
      'x-correlation-order-id': 'o1',
    })
    expect(c.debug).toBe(true)
    expect(c.callChainLength).toBe(3)
    expect(droppedIds()).toBe(0)
  })

  it('lets an entry seen before the packed one win', () => {
    const c = collect([
      ['x-correlation-id', 'direct'],
      [PACKED_KEY, JSON.stringify({ 'x-correlation-id': 'packed' })],
    ])
    expect(c.ids).toEqual({ 'x-correlation-id': 'direct' })
  })

  it('applies the same checks to packed values', () => {
    const c = collect([
      [
        PACKED_KEY,
        JSON.stringify({ 'x-correlation-id': 'a\nb', 'x-correlation-ok': 'fine', [CHAIN_KEY]: '-1' }),
      ],
    ])
    expect(c.ids).toEqual({ 'x-correlation-ok': 'fine' })
    expect(droppedIds()).toBe(2)
  })

  it('does not unpack a packed entry nested in a packed entry', () => {
    const inner = JSON.stringify({ 'x-correlation-inner': 'x' })
    const c = collect([[PACKED_KEY, JSON.stringify({ [PACKED_KEY]: inner, 'x-correlation-id': 'a' })]])
    expect(c.ids).toEqual({ 'x-correlation-id': 'a' })
  })

  it.each([
    ['invalid JSON', '{"x-correlation-id":'],
    ['an array', '["x-correlation-id"]'],
    ['a JSON string', '"x-correlation-id"'],
    ['null', 'null'],
    ['a number', 5],
    [
      'an oversized entry',
      JSON.stringify({ 'x-correlation-id': 'a', pad: 'p'.repeat(limits.maxTotalBytes + 600) }),
    ],
  ])('drops and counts %s', (_, value) => {
    const c = collect([[PACKED_KEY, value]])
    expect(c.ids).toEqual({})
    expect(droppedIds()).toBe(1)
  })
})

// Keys that mostly are Sightline's, in any case; values of every kind, mostly strings of any Unicode.
const key = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 12 }).map((s) => `x-correlation-${s}`) },
  { weight: 3, arbitrary: fc.mixedCase(fc.constantFrom('x-correlation-id', 'x-correlation-user-id')) },
  { weight: 1, arbitrary: fc.constantFrom(DEBUG_KEY, CHAIN_KEY, 'other', PACKED_KEY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 70 }) },
)
const value = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 300 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '-'), minLength: 200, maxLength: 300 }),
  },
  { weight: 1, arbitrary: fc.anything() },
)
// Many valid, long entries: enough to reach the count and byte caps.
const validKey = fc.string({ unit: fc.constantFrom(...'abcdefghij0123456789'), minLength: 20, maxLength: 50 })
const longValue = fc
  .string({ unit: 'binary-ascii', minLength: 200, maxLength: 256 })
  .map((v) => v.replace(/[^\x20-\x7e]/g, 'x'))
const entries = fc.oneof(
  fc.array(fc.tuple(key, value), { maxLength: 40 }),
  fc.array(
    fc.tuple(
      validKey.map((k) => `x-correlation-${k}`),
      longValue,
    ),
    { minLength: 10, maxLength: 30 },
  ),
)

describe('IdCollector properties', () => {
  it('never accepts a value outside printable ASCII or longer than maxValueLength', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const c = collect(list)
        for (const [k, v] of Object.entries(c.ids)) {
          expect(isIdKey(k)).toBe(true)
          expect(v).toMatch(/^[\x20-\x7e]+$/)
          expect(v.length).toBeLessThanOrEqual(limits.maxValueLength)
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('never holds more than maxIds IDs or maxTotalBytes', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const c = collect(list)
        const keys = Object.keys(c.ids)
        expect(keys.length).toBeLessThanOrEqual(limits.maxIds)
        expect(c.size).toBe(keys.length)
        const bytes = keys.reduce((n, k) => n + k.length + c.ids[k]!.length, 0)
        expect(bytes).toBeLessThanOrEqual(limits.maxTotalBytes)
      }),
      { numRuns: 10_000 },
    )
  })

  it('counts every refused x-correlation-* entry in droppedIds, and nothing else', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const c = new IdCollector()
        for (const [k, v] of list) {
          if (!k.toLowerCase().startsWith('x-correlation-')) continue
          const name = k.toLowerCase()
          const before = droppedIds()
          const had = Object.hasOwn(c.ids, name)
          c.offer(k, v)
          const refused = !had && !Object.hasOwn(c.ids, name)
          expect(droppedIds() - before).toBe(refused ? 1 : 0)
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('only ever sets debug to a boolean and call-chain-length to an integer within the limit', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const c = collect(list)
        expect([undefined, true, false]).toContain(c.debug)
        if (c.callChainLength !== undefined) {
          expect(Number.isSafeInteger(c.callChainLength)).toBe(true)
          expect(c.callChainLength).toBeGreaterThanOrEqual(0)
          expect(c.callChainLength).toBeLessThanOrEqual(limits.maxCallChainLength)
        }
      }),
      { numRuns: 10_000 },
    )
  })
})
