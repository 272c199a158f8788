import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_LINE_LENGTH, parseLine } from '../src/index.js'

const ours = {
  level: 'info',
  time: 1795316464543,
  'x-correlation-id': 'demo-7f3a2c19',
  'x-correlation-user-id': 'alice',
  awsRequestId: '2db507ef-6e52-4f21-a418-01af528b6939',
  traceId: '1-6b025af0-54faac6ea401bd81b6be3dd5',
  function_name: 'create-post',
  cold_start: true,
  msg: 'creating post',
}
const line = JSON.stringify(ours)

describe('parseLine', () => {
  it('reads a Sightline line: time, level, message, name, request id, trace and every correlation id', () => {
    expect(parseLine(line)).toEqual({
      kind: 'log',
      record: {
        time: 1795316464543,
        level: 'info',
        message: 'creating post',
        name: 'create-post',
        awsRequestId: '2db507ef-6e52-4f21-a418-01af528b6939',
        traceId: '1-6b025af0-54faac6ea401bd81b6be3dd5',
        ids: { 'x-correlation-id': 'demo-7f3a2c19', 'x-correlation-user-id': 'alice' },
        fields: ours,
      },
    })
  })

  it('reads the line inside Lambda’s JSON log format, as a string or as an object', () => {
    const wrapper = { timestamp: '2026-11-22T03:01:04.543Z', level: 'INFO', requestId: 'r-1' }
    const asString = parseLine(JSON.stringify({ ...wrapper, message: line }))
    const asObject = parseLine(JSON.stringify({ ...wrapper, message: ours }))
    expect(asString).toEqual(parseLine(line))
    expect(asObject).toEqual(parseLine(line))
  })

  it('fills in what the inner line lacks from Lambda’s wrapper: time, level and request id', () => {
    const inner = { 'x-correlation-id': 'c-1', msg: 'from console.log' }
    const parsed = parseLine(
      JSON.stringify({
        timestamp: '2026-11-22T03:01:04.543Z',
        level: 'WARN',
        requestId: 'r-1',
        message: JSON.stringify(inner),
      }),
    )
    expect(parsed).toMatchObject({
      kind: 'log',
      record: { time: Date.parse('2026-11-22T03:01:04.543Z'), level: 'warn', awsRequestId: 'r-1' },
    })
  })

  it('reads the line behind Lambda’s text format prefix', () => {
    const prefixed = `2026-11-22T03:01:04.543Z\t2db507ef-6e52-4f21-a418-01af528b6939\tINFO\t${line}`
    expect(parseLine(prefixed)).toEqual(parseLine(line))
  })

  it('reads numeric pino levels, ISO times, epoch seconds, and `service` without a function name', () => {
    const parsed = parseLine('{"level":50,"time":"2026-11-22T03:01:04.5Z","service":"api","message":"boom"}')
    expect(parsed).toMatchObject({
      kind: 'log',
      record: { level: 'error', time: Date.parse('2026-11-22T03:01:04.5Z'), name: 'api', message: 'boom' },
    })
    expect(parseLine('{"time":1795316464,"msg":"s"}')).toMatchObject({ record: { time: 1795316464000 } })
  })

  it('reads Lambda’s platform records: the start, and the report with its duration', () => {
    const start = '{"time":"2026-11-22T03:01:04.534Z","type":"platform.start","record":{"requestId":"r-1"}}'
    const report =
      '{"time":"2026-11-22T03:01:04.580Z","type":"platform.report",' +
      '"record":{"requestId":"r-1","metrics":{"durationMs":45.5},"status":"success"}}'
    expect(parseLine(start)).toEqual({
      kind: 'platform',
      platform: { type: 'start', requestId: 'r-1', time: Date.parse('2026-11-22T03:01:04.534Z') },
    })
    expect(parseLine(report)).toEqual({
      kind: 'platform',
      platform: {
        type: 'report',
        requestId: 'r-1',
        time: Date.parse('2026-11-22T03:01:04.580Z'),
        durationMs: 45.5,
      },
    })
  })

  it('tells metric lines, blank lines and readable lines that are not ours apart from malformed ones', () => {
    expect(parseLine('MONITORING|1795316464|1|count|posts.created|#env:demo')).toEqual({ kind: 'metric' })
    expect(parseLine('2026-11-22T03:01:04.000Z\tr-1\tINFO\tMONITORING|1795316464|1|count|x')).toEqual({
      kind: 'metric',
    })
    expect(parseLine('  \r')).toEqual({ kind: 'blank' })
    expect(parseLine('START RequestId: r-1 Version: $LATEST')).toEqual({ kind: 'other' })
    expect(parseLine('REPORT RequestId: r-1\tDuration: 89.00 ms')).toEqual({ kind: 'other' })
    expect(parseLine('{"level":"info","msg":"no time"}')).toEqual({ kind: 'other' })
    expect(
      parseLine('{"timestamp":"2026-11-22T03:01:04.601Z","level":"INFO","requestId":"r","message":"text"}'),
    ).toEqual({ kind: 'other' })
  })

  it.each([
    ['Executing handler in /var/task', 'not-json'],
    ['{"level":"info","time":17953164645', 'invalid-json'],
    ['[1,2', 'invalid-json'],
    ['[1,2,3]', 'not-an-object'],
    ['null', 'not-an-object'],
    ['"a string"', 'not-an-object'],
    ['42', 'not-an-object'],
  ])('counts %j as malformed (%s)', (text, reason) => {
    expect(parseLine(text)).toEqual({ kind: 'malformed', reason })
  })

  it('does not parse a line longer than the limit', () => {
    const long = `{"msg":"${'x'.repeat(MAX_LINE_LENGTH)}","time":1}`
    expect(parseLine(long)).toEqual({ kind: 'malformed', reason: 'too-long' })
  })

  it('ignores a time no date can hold, and correlation entries that are not strings or numbers', () => {
    expect(parseLine('{"time":1e300,"msg":"far"}')).toEqual({ kind: 'other' })
    const parsed = parseLine('{"time":1,"x-correlation-id":{"a":1},"x-correlation-n":7,"x-correlation-":"e"}')
    expect(parsed).toMatchObject({ kind: 'log', record: { ids: { 'x-correlation-n': '7' } } })
    expect(parsed.kind === 'log' && Object.keys(parsed.record.ids)).toEqual(['x-correlation-n'])
  })
})

describe('parseLine (properties)', () => {
  const kinds = new Set(['log', 'platform', 'metric', 'blank', 'other', 'malformed'])

  it('never throws and always classifies, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.string({ unit: 'grapheme' })),
        (text) => {
          expect(kinds.has(parseLine(text).kind)).toBe(true)
        },
      ),
      { numRuns: 10_000 },
    )
  })

  const idValue = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
  const record = fc.record({
    time: fc.integer({ min: 1e12, max: 4e12 }),
    level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal'),
    msg: fc.string({ unit: 'binary', maxLength: 60 }),
    ids: fc.dictionary(fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/), idValue, { maxKeys: 5 }),
    service: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  })

  it('reads back what a Sightline line holds: raw, in Lambda’s JSON format, behind its text prefix', () => {
    fc.assert(
      fc.property(record, fc.uuid(), ({ time, level, msg, ids, service }, requestId) => {
        const correlation = Object.fromEntries(Object.entries(ids).map(([k, v]) => [`x-correlation-${k}`, v]))
        const text = JSON.stringify({ level, time, service, ...correlation, msg })
        const expected = { time, level, message: msg, name: service, ids: correlation }
        const iso = new Date(time).toISOString()
        const wrapped = JSON.stringify({ timestamp: iso, level: 'INFO', requestId, message: text })
        for (const form of [text, wrapped, `${iso}\t${requestId}\tINFO\t${text}`]) {
          const parsed = parseLine(form)
          expect(parsed.kind).toBe('log')
          if (parsed.kind === 'log') expect(parsed.record).toMatchObject(expected)
        }
      }),
      { numRuns: 10_000 },
    )
  })

  it('counts every JSON value that is not an object as malformed', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
        (value) => {
          expect(parseLine(JSON.stringify(value))).toEqual({ kind: 'malformed', reason: 'not-an-object' })
        },
      ),
      { numRuns: 10_000 },
    )
  })
})
