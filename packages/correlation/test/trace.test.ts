import {
  formatTraceHeader,
  getDiagnostics,
  parseTraceHeader,
  resetDiagnostics,
  type TraceHeader,
} from '@sightline/correlation'
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'

const ROOT = '1-5759e988-bd862e3fe1be46a994272793'
const PARENT = '53995c3f42cd8ad8'
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

const dropped = () => getDiagnostics().droppedTraceEntries

beforeEach(() => {
  resetDiagnostics()
})

describe('parseTraceHeader', () => {
  it('reads Root, Parent and Sampled', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=1`)).toEqual({
      root: ROOT,
      parent: PARENT,
      sampled: '1',
      extra: [],
    })
    expect(dropped()).toBe(0)
  })

  it('reads keys in any order and any case', () => {
    expect(parseTraceHeader(`sampled=0;PARENT=${PARENT};rOoT=${ROOT}`)).toEqual({
      root: ROOT,
      parent: PARENT,
      sampled: '0',
      extra: [],
    })
  })

  it('trims whitespace around keys and values and ignores empty parts', () => {
    expect(parseTraceHeader(` Root = ${ROOT} ;\tParent=${PARENT}\t; ;Sampled=?; `)).toEqual({
      root: ROOT,
      parent: PARENT,
      sampled: '?',
      extra: [],
    })
    expect(dropped()).toBe(0)
  })

  it('reads an ALB header whose Self comes before Root', () => {
    const self = '1-5c536349-4e57a9c1b2d3e4f5a6b7c8d9'
    expect(parseTraceHeader(`Self=${self};Root=1-5c536348-3d683b8b04734faae651f476`)).toEqual({
      root: '1-5c536348-3d683b8b04734faae651f476',
      self,
      extra: [],
    })
  })

  it('reads Lineage with its colons', () => {
    const trace = parseTraceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=0;Lineage=1:5b3bd8f2:0`)
    expect(trace.lineage).toBe('1:5b3bd8f2:0')
  })

  it('keeps unknown keys, their case and their order', () => {
    const trace = parseTraceHeader(`Foo=1;Root=${ROOT};bar=a=b;Baz_2=x:y|z`)
    expect(trace.extra).toEqual([
      ['Foo', '1'],
      ['bar', 'a=b'],
      ['Baz_2', 'x:y|z'],
    ])
    expect(formatTraceHeader(trace)).toBe(`Root=${ROOT};Foo=1;bar=a=b;Baz_2=x:y|z`)
  })

  it('keeps the first of duplicate keys, whatever their case', () => {
    const other = '1-00000000-000000000000000000000000'
    const trace = parseTraceHeader(
      `Root=${ROOT};root=${other};Parent=${PARENT};Parent=0000000000000000;Sampled=1;Sampled=0;` +
        'Lineage=a;Lineage=b;Self=s1;SELF=s2;Foo=1;foo=2;FOO=3',
    )
    expect(trace).toEqual({
      root: ROOT,
      parent: PARENT,
      sampled: '1',
      lineage: 'a',
      self: 's1',
      extra: [['Foo', '1']],
    })
  })

  it('drops a malformed Root, Parent or Sampled and counts each', () => {
    const trace = parseTraceHeader('Root=1-xyz-123;Parent=53995c3f42cd8ad;Sampled=2;Foo=ok')
    expect(trace).toEqual({ extra: [['Foo', 'ok']] })
    expect(dropped()).toBe(3)
  })

  it('keeps a valid Root that follows a malformed one', () => {
    expect(parseTraceHeader(`Root=bad;Root=${ROOT}`).root).toBe(ROOT)
    expect(dropped()).toBe(1)
  })

  it('drops entries without "=", with an unsafe key or with an unsafe value, and counts them', () => {
    const trace = parseTraceHeader(
      `Root=${ROOT};garbage;Fo o=1;Bar=a b;Baz=\r\nSet-Cookie: x;Qux=é;Empty=;=novalue`,
    )
    expect(trace).toEqual({ root: ROOT, extra: [] })
    expect(dropped()).toBe(7)
  })

  it('refuses a header longer than 2048 characters as a whole and counts it once', () => {
    const at = (length: number) => {
      let h = `Root=${ROOT}`
      for (let i = 0; h.length < length; i++) {
        const room = length - h.length - `;K${i}=`.length
        h += `;K${i}=${'a'.repeat(Math.max(1, Math.min(500, room)))}`
      }
      return h
    }
    const longest = at(2048)
    expect(longest).toHaveLength(2048)
    expect(parseTraceHeader(longest).root).toBe(ROOT)
    expect(dropped()).toBe(0)

    const tooLong = `${longest}a`
    expect(parseTraceHeader(tooLong)).toEqual({ extra: [] })
    expect(dropped()).toBe(1)
    expect(parseTraceHeader(`Root=${ROOT};X=${'a'.repeat(100_000)}`)).toEqual({ extra: [] })
  })

  it.each([undefined, null, 42, true, {}, [`Root=${ROOT}`], Symbol('x'), ''])(
    'returns an empty header for %s',
    (input) => {
      expect(parseTraceHeader(input)).toEqual({ extra: [] })
    },
  )
})

describe('formatTraceHeader', () => {
  it('writes the canonical order: Root, Parent, Sampled, Lineage, Self, then unknown keys', () => {
    const trace = parseTraceHeader(`Foo=1;Self=s;Lineage=l;Sampled=1;Parent=${PARENT};Root=${ROOT}`)
    expect(formatTraceHeader(trace)).toBe(`Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=l;Self=s;Foo=1`)
  })

  it('writes nothing for an empty header', () => {
    expect(formatTraceHeader({ extra: [] })).toBe('')
  })
})

// Fragments that look like trace headers, so the properties reach the parser's branches often.
const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n })
const rootValue = fc.tuple(hex(8), hex(24)).map(([a, b]) => `1-${a}-${b}`)
const safeValue = fc.string({
  unit: fc.constantFrom(...'abcxyz0129:|=-_.+/!~'),
  minLength: 1,
  maxLength: 20,
})
const anyKey = fc.oneof(
  fc.constantFrom('Root', 'root', 'ROOT', 'Parent', 'parent', 'Sampled', 'Self', 'Lineage', 'Foo', 'foo'),
  fc.string({ maxLength: 8 }),
)
const anyValue = fc.oneof(
  rootValue,
  hex(16),
  fc.constantFrom('0', '1', '?', '2', '', ' ', '1-abc'),
  safeValue,
  fc.string({ unit: 'binary', maxLength: 20 }),
)
const space = fc.constantFrom('', ' ', '\t', '  ', '\r\n', '\u00a0')
const fragment = fc
  .tuple(space, anyKey, space, fc.constantFrom('=', '', '=='), space, anyValue, space)
  .map((parts) => parts.join(''))
const traceLike = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(';'))
const anyHeader = fc.oneof(
  traceLike,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ maxLength: 3000 }),
)

describe('properties', () => {
  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        parseTraceHeader(header)
      }),
      { numRuns: 10_000 },
    )
  })

  it('formats only printable ASCII, without CR or LF, and re-parses to the same structure', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        const trace = parseTraceHeader(header)
        const formatted = formatTraceHeader(trace)
        expect(formatted).toMatch(PRINTABLE_ASCII)
        expect(formatted).not.toMatch(/[\r\n]/)
        expect(parseTraceHeader(formatted)).toEqual(trace)
      }),
      { numRuns: 10_000 },
    )
  })

  it('round-trips a valid header in canonical order exactly', () => {
    const extraKey = fc
      .string({ unit: fc.constantFrom(...'abcdefgXYZ019_-'), minLength: 1, maxLength: 10 })
      .filter((k) => !['root', 'parent', 'sampled', 'lineage', 'self'].includes(k.toLowerCase()))
    const header = fc
      .record(
        {
          root: rootValue,
          parent: hex(16),
          sampled: fc.constantFrom('0', '1', '?'),
          lineage: safeValue,
          self: safeValue,
          extra: fc.uniqueArray(fc.tuple(extraKey, safeValue), {
            maxLength: 5,
            selector: ([k]) => k.toLowerCase(),
          }),
        },
        { requiredKeys: ['extra'] },
      )
      .map((t: TraceHeader) => formatTraceHeader(t))
    fc.assert(
      fc.property(header, (h) => {
        expect(formatTraceHeader(parseTraceHeader(h))).toBe(h)
      }),
      { numRuns: 10_000 },
    )
    expect(dropped()).toBe(0)
  })
})
