import { describe, expect, it } from 'vitest'
import { expectEveryLineHas } from '../src/assertions.js'
import { captureWith, type LogOutput } from '../src/capture.js'

const lines = [
  { level: 30, msg: 'a', 'x-correlation-id': 'abc', lambda: { requestId: 'r1' } },
  { level: 30, msg: 'b', 'x-correlation-id': 'abc', lambda: { requestId: 'r1' } },
]

describe('expectEveryLineHas', () => {
  it('passes when every line has the named fields', () => {
    expect(() => expectEveryLineHas(lines, ['x-correlation-id', 'msg'])).not.toThrow()
  })

  it('passes when every line has the expected values, deeply compared', () => {
    expect(() =>
      expectEveryLineHas(lines, { 'x-correlation-id': 'abc', lambda: { requestId: 'r1' } }),
    ).not.toThrow()
  })

  it('reads dotted names as paths into nested members', () => {
    expect(() => expectEveryLineHas(lines, { 'lambda.requestId': 'r1' })).not.toThrow()
    expect(() => expectEveryLineHas(lines, ['lambda.missing'])).toThrow('missing `lambda.missing`')
  })

  it('prefers a member whose name has a dot over a path', () => {
    expect(() => expectEveryLineHas([{ 'a.b': 1, a: { b: 2 } }], { 'a.b': 1 })).not.toThrow()
  })

  it('takes a predicate as the expected value', () => {
    const isUuid = (v: unknown) => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)
    expect(() => expectEveryLineHas(lines, { 'x-correlation-id': isUuid })).toThrow(
      '`x-correlation-id` is "abc", which fails `isUuid`',
    )
  })

  it('lists each offending line with what is wrong and the line itself', () => {
    const records = [...lines, { level: 50, msg: 'c' }, { level: 30, msg: 'd', 'x-correlation-id': 'zzz' }]
    expect(() => expectEveryLineHas(records, { 'x-correlation-id': 'abc' })).toThrow(
      [
        'Expected every log line to have `x-correlation-id` = "abc"; 2 of 4 do not:',
        '  line 3: missing `x-correlation-id`',
        '    {"level":50,"msg":"c"}',
        '  line 4: `x-correlation-id` is "zzz", expected "abc"',
        '    {"level":30,"msg":"d","x-correlation-id":"zzz"}',
      ].join('\n'),
    )
  })

  it('shows a line that is not JSON as it was written', () => {
    expect(() => expectEveryLineHas([{ raw: 'MONITORING|1|1|count|x\n' }], ['msg'])).toThrow(
      '  line 1: missing `msg`\n    MONITORING|1|1|count|x',
    )
  })

  it('shortens long lines and long lists', () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ i, filler: 'x'.repeat(400) }))
    let message = ''
    try {
      expectEveryLineHas(records, ['msg'])
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('12 of 12 do not')
    expect(message).toContain('… and 2 more')
    expect(message).not.toContain('line 11:')
    expect(message).not.toContain('x'.repeat(400))
  })

  it('fails when there is no line at all', () => {
    expect(() => expectEveryLineHas([], ['msg'])).toThrow(
      'Expected every log line to have `msg`, but no line was written',
    )
  })

  it('reads the records of a capture', () => {
    let current: LogOutput | undefined
    const logs = captureWith((output) => {
      const previous = current
      current = output
      return previous
    })
    current?.write('{"msg":"hi","x-correlation-id":"abc"}\n')
    expect(() => expectEveryLineHas(logs, { 'x-correlation-id': 'abc' })).not.toThrow()
    current?.write('{"msg":"no id"}\n')
    expect(() => expectEveryLineHas(logs, { 'x-correlation-id': 'abc' })).toThrow('1 of 2 do not')
    logs.restore()
  })
})
