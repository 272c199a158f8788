import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMetrics, formatLine, getMetricsDiagnostics, resetMetricsDiagnostics } from '../src/index.js'
import { parseLogMessage } from '../src/processor.js'
import { capture, STRICT_LINE } from './helpers.js'

const out = capture()

describe('formatLine', () => {
  it('assembles the MONITORING grammar, the tag part only when there are tags', () => {
    expect(formatLine(1_700_000_000, 1, 'count', 'a.b', '')).toBe('MONITORING|1700000000|1|count|a.b\n')
    expect(formatLine(1_700_000_000, 0.25, 'histogram', 'x', '|#k:v,k2:v2')).toBe(
      'MONITORING|1700000000|0.25|histogram|x|#k:v,k2:v2\n',
    )
  })
})

// Anything a caller may pass: unicode (astral too), lone surrogates, separators, line breaks, control
// characters, long strings.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc
    .array(
      fc.constantFrom(
        '|',
        ',',
        '#',
        ':',
        '\r',
        '\n',
        '\t',
        ' ',
        'a',
        'é',
        '\u0085',
        '\u2028',
        '\u2029',
        '\u0000',
        '\u007f',
      ),
      {
        maxLength: 20,
      },
    )
    .map((chars) => chars.join('')),
  fc.constant('x'.repeat(10_240)),
)
const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e300, 5e-324),
)
const tags = fc.option(
  fc.dictionary(nasty, fc.oneof(nasty, fc.integer(), fc.boolean(), fc.constant(undefined))),
  {
    nil: undefined,
  },
)

describe('lines written by the API (property)', () => {
  it('are one strict line per accepted call, never a second line nor a `|` inside a field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('count', 'gauge', 'histogram' as const),
        nasty,
        value,
        tags,
        (type, name, v, t) => {
          out.logs().clear()
          resetMetricsDiagnostics()
          createMetrics({ tags: {} }, {})[type](name, v, t)
          const written = out.logs().lines.filter((l) => l.startsWith('MONITORING|'))
          const d = getMetricsDiagnostics()
          const dropped = d.invalidNames + d.invalidValues
          expect(written.length).toBe(dropped > 0 ? 0 : 1)
          for (const line of written) {
            expect(line).toMatch(STRICT_LINE)
            expect(line.indexOf('\n')).toBe(line.length - 1)
            expect(line.split('|').length).toBeLessThanOrEqual(6)
          }
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('read back as what was recorded (name, value, type, cleaned tags)', () => {
    // A fresh instance per run: the cardinality guard accepts 100 distinct keys per instance.
    const fresh = () => createMetrics({ tags: {}, refuseTag: () => false }, {})
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
    const tagValue = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((s) => /^[^|,#\p{Cc}\u2028\u2029\s]+$/u.test(s))
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,40}$/),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.uniqueArray(fc.tuple(key, tagValue), { selector: ([k]) => k, maxLength: 10 }),
        (name, v, pairs) => {
          out.logs().clear()
          fresh().histogram(name, v, Object.fromEntries(pairs))
          const [line] = out.logs().lines
          const parsed = parseLogMessage(line!)
          expect(parsed).toMatchObject({
            ok: true,
            metric: { type: 'histogram', name, value: v === 0 ? 0 : v },
          })
          const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : 1))
          expect(parsed?.ok && parsed.metric.tags).toEqual(sorted)
        },
      ),
      { numRuns: 2_000 },
    )
  })
})
