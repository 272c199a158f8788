import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseLogMessage, payloadOf } from '../src/processor.js'

const line = 'MONITORING|1700000000|2.5|count|orders.placed|#channel:web,env:prod'
const metric = {
  type: 'count',
  name: 'orders.placed',
  value: 2.5,
  epochSeconds: 1_700_000_000,
  tags: [
    ['channel', 'web'],
    ['env', 'prod'],
  ],
  tagText: '|#channel:web,env:prod',
  droppedTags: 0,
}

describe('parseLogMessage', () => {
  it.each([
    ['a raw stdout line', `${line}\n`],
    ['a raw line without its newline', line],
    [
      'a console.log line (text format)',
      `2026-11-22T01:02:03.456Z\tc6af9ac6-7b61-11e6-9a41-93e812345678\tINFO\t${line}\n`,
    ],
    [
      'a console.log line (JSON format)',
      JSON.stringify({ timestamp: '2026-11-22T01:02:03.456Z', level: 'INFO', requestId: 'r', message: line }),
    ],
  ])('reads %s', (_, message) => {
    expect(parseLogMessage(message)).toEqual({ ok: true, metric })
  })

  it('sorts tags, keeps the first of a repeated key, and drops bare or empty ones', () => {
    const parsed = parseLogMessage('MONITORING|1700000000|1|gauge|g|#b:2,a:1,bare,b:3,e:,:v,v:a:b')
    expect(parsed).toEqual({
      ok: true,
      metric: expect.objectContaining({
        tags: [
          ['a', '1'],
          ['b', '2'],
          ['v', 'a:b'],
        ],
        droppedTags: 4,
      }),
    })
  })

  it.each([
    ['milliseconds', 'MONITORING|1700000000000|1|count|x'],
    ['a distribution', 'MONITORING|1700000000|1|distribution|x'],
    ['a non-number', 'MONITORING|1700000000|NaN|count|x'],
    ['an infinite number', `MONITORING|1700000000|1${'0'.repeat(400)}|count|x`],
    ['a bad name', 'MONITORING|1700000000|1|count|bad name'],
    ['a missing name', 'MONITORING|1700000000|1|count'],
    ['a second line inside', 'MONITORING|1700000000|1|count|x\rMONITORING|1700000000|1|count|y'],
    ['a control character in the tags', 'MONITORING|1700000000|1|count|x|#a:b\u0007'],
    ['an extra field', 'MONITORING|1700000000|1|count|x|#a:b|c'],
  ])('calls a line with %s malformed', (_, message) => {
    expect(parseLogMessage(message)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('calls a service check a check, not a metric', () => {
    expect(parseLogMessage('MONITORING|1700000000|0|check|app.ok')).toEqual({ ok: false, reason: 'check' })
  })

  it.each([
    ['a log line', '{"level":"info","msg":"MONITORING|1700000000|1|count|x"}'],
    ['text mentioning a metric line', `we wrote ${line}`],
    ['a console line whose message merely contains one', `2026-11-22T01:02:03.456Z\tr\tINFO\tsee ${line}`],
    ['a JSON record whose message is not a string', '{"message":{"MONITORING|":1}}'],
    ['broken JSON', '{"message":"MONITORING|1700000000|1|count|x"'],
    ['nothing', ''],
  ])('ignores %s', (_, message) => {
    expect(parseLogMessage(message)).toBeUndefined()
  })
})

describe('parseLogMessage (property)', () => {
  it('never throws, and whatever it returns as a metric follows the grammar', () => {
    const pieces = fc.constantFrom(
      'MONITORING|',
      '|',
      '#',
      ',',
      ':',
      '\t',
      '\n',
      '\r',
      '{',
      '"message":',
      '1700000000',
      '-1.5e3',
      'count',
      'gauge',
      'a.b',
      'INFO',
    )
    const message = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.oneof(pieces, fc.string({ maxLength: 5 })), { maxLength: 20 }).map((p) => p.join('')),
      fc.string({ maxLength: 100 }).map((s) => `MONITORING|${s}`),
      fc.string({ maxLength: 100 }).map((s) => JSON.stringify({ message: `MONITORING|${s}` })),
    )
    fc.assert(
      fc.property(message, (m) => {
        const parsed = parseLogMessage(m)
        if (parsed === undefined || !parsed.ok) return
        const { type, name, value, epochSeconds, tags } = parsed.metric
        expect(['count', 'gauge', 'histogram']).toContain(type)
        expect(name).toMatch(/^[A-Za-z0-9_.]{1,255}$/)
        expect(Number.isFinite(value)).toBe(true)
        expect(Number.isInteger(epochSeconds) && epochSeconds >= 0 && epochSeconds < 1e10).toBe(true)
        expect(tags.length).toBeLessThanOrEqual(30)
        for (const [k, v] of tags) {
          expect(k).not.toMatch(/[|,:\p{Cc}]/u)
          expect(v).not.toMatch(/[|,\p{Cc}]/u)
          expect(k.trim() && v.trim()).toBeTruthy()
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('reads back any line in the grammar, in any of the three wrappings', () => {
    const tagText = fc.stringMatching(/^[^|,#:\p{Cc}\s]{1,8}$/u)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999_999_999 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom('count', 'gauge', 'histogram' as const),
        fc.stringMatching(/^[A-Za-z0-9_.]{1,50}$/),
        fc.uniqueArray(fc.tuple(tagText, tagText), { selector: ([k]) => k, maxLength: 5 }),
        fc.constantFrom('raw', 'console', 'json'),
        (seconds, value, type, name, tags, wrapping) => {
          const tagPart = tags.length === 0 ? '' : `|#${tags.map(([k, v]) => `${k}:${v}`).join(',')}`
          const raw = `MONITORING|${seconds}|${value}|${type}|${name}${tagPart}`
          const message =
            wrapping === 'raw'
              ? `${raw}\n`
              : wrapping === 'console'
                ? `2026-11-22T01:02:03.456Z\tid\tINFO\t${raw}\n`
                : JSON.stringify({ level: 'INFO', message: raw })
          expect(payloadOf(message)).toBe(raw)
          const parsed = parseLogMessage(message)
          // `${-0}` is '0'.
          expect(parsed).toMatchObject({
            ok: true,
            metric: { type, name, value: value + 0, epochSeconds: seconds },
          })
        },
      ),
      { numRuns: 5_000 },
    )
  })
})
