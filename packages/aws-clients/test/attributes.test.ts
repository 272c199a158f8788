import { createContext, extract, publishAttributes } from '@sightline/correlation'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addAttributes, attributesBytes } from '../src/attributes.js'
import { captureIds } from '../src/capture.js'

const ids = captureIds(
  createContext({ ids: { 'x-correlation-id': 'c-1', 'x-correlation-user-id': 'u-1' }, callChainLength: 2 }),
).ids

const attribute = fc.oneof(
  fc.record({ DataType: fc.constant('String'), StringValue: fc.string({ maxLength: 40 }) }),
  fc.record({ DataType: fc.constant('Number'), StringValue: fc.integer().map(String) }),
  fc.record({ DataType: fc.constant('Binary'), BinaryValue: fc.uint8Array({ maxLength: 20 }) }),
)
// Names a caller may use, ours among them in any case.
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom(
    'x-correlation-id',
    'X-Correlation-Id',
    'sightline-ids',
    'Debug-Log-Enabled',
    'call-chain-length',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x-correlation-${s}`),
)
const attributes = fc.dictionary(name, attribute, { maxKeys: 13 })

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

describe('addAttributes', () => {
  it('keeps every message within 10 attributes and the size limit, the caller’s attributes intact', () => {
    fc.assert(
      fc.property(attributes, fc.nat(262_144), (given, bodyBytes) => {
        deepFreeze(given) // a write to the caller's objects would throw
        const result = addAttributes(given, ids, bodyBytes)
        if (typeof result !== 'object') return
        const out = result.attributes
        expect(Object.keys(out).length).toBeLessThanOrEqual(10)
        expect(bodyBytes + attributesBytes(out)).toBeLessThanOrEqual(262_144)
        expect(result.addedBytes).toBe(attributesBytes(out) - attributesBytes(given))
        for (const [key, value] of Object.entries(given)) {
          // Each caller attribute goes out as it came, unless it is one of our own entries, replaced.
          if (Object.hasOwn(out, key) && out[key] === value) continue
          expect(key.toLowerCase()).toMatch(
            /^(x-correlation-|sightline-ids$|debug-log-enabled$|call-chain-length$)/,
          )
        }
        const read = extract(out, publishAttributes)
        expect(read.ids).toMatchObject({ 'x-correlation-id': 'c-1', 'x-correlation-user-id': 'u-1' })
        expect(read.callChainLength).toBe(2)
        expect(read.debug).toBe(false)
      }),
      { numRuns: 10_000 },
    )
  })

  it('keeps an attribute named __proto__ (a valid SNS/SQS name) as an attribute', () => {
    const given = JSON.parse('{"__proto__":{"DataType":"String","StringValue":"p"}}') as object
    const result = addAttributes(given, ids, 10)
    expect(typeof result === 'object' && Object.entries(result.attributes)[0]).toEqual([
      '__proto__',
      { DataType: 'String', StringValue: 'p' },
    ])
  })

  it('says why nothing was added: no slot left, or no bytes left', () => {
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    )
    expect(addAttributes(ten, ids, 10)).toBe('attributes-full')
    expect(addAttributes({}, ids, 262_144 - 50)).toBe('too-large')
    expect(addAttributes({}, ids, 100, 50)).toBe('too-large')
    expect(addAttributes(ten, {}, 10)).toBeUndefined()
  })

  it('counts a caller’s Sightline attribute once: nine others and a stale x-correlation-id leave one slot', () => {
    const given = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    )
    const result = addAttributes(
      { ...given, 'X-Correlation-Id': { DataType: 'String', StringValue: 'old' } },
      ids,
      10,
    )
    expect(typeof result === 'object' && Object.keys(result.attributes).sort()).toEqual(
      [...Object.keys(given), 'sightline-ids'].sort(),
    )
  })
})
