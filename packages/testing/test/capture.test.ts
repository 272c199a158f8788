import { describe, expect, it } from 'vitest'
import { captureWith, type LogOutput, type SetOutput } from '../src/capture.js'

/** Stands in for `@sightline/logger`'s output switch, with the same contract. */
function fakeLogger() {
  const stdout: string[] = []
  const original: LogOutput = { write: (line) => void stdout.push(line) }
  let current = original
  const setOutput: SetOutput = (output) => {
    const previous = current
    current = output ?? original
    return previous
  }
  return { stdout, setOutput, write: (line: string) => current.write(line), current: () => current }
}

describe('captureWith', () => {
  it('keeps every line written while capturing, as written, and nothing reaches the previous output', () => {
    const logger = fakeLogger()
    const logs = captureWith(logger.setOutput)
    logger.write('{"level":30,"msg":"one"}\n')
    logger.write('{"level":50,"msg":"two"}\n')
    expect(logs.lines).toEqual(['{"level":30,"msg":"one"}\n', '{"level":50,"msg":"two"}\n'])
    expect(logger.stdout).toEqual([])
    logs.restore()
  })

  it('parses lines to records, keeping a line that is not a JSON object as { raw }', () => {
    const logger = fakeLogger()
    const logs = captureWith(logger.setOutput)
    logger.write('{"msg":"ok"}\n')
    logger.write('MONITORING|1700000000|1|count|orders.placed|#env:test\n')
    logger.write('[1,2]\n')
    expect(logs.records()).toEqual([
      { msg: 'ok' },
      { raw: 'MONITORING|1700000000|1|count|orders.placed|#env:test\n' },
      { raw: '[1,2]\n' },
    ])
    logs.restore()
  })

  it('finds and filters records', () => {
    const logger = fakeLogger()
    const logs = captureWith(logger.setOutput)
    for (const msg of ['a', 'b', 'c']) logger.write(`${JSON.stringify({ msg, n: msg.charCodeAt(0) })}\n`)
    expect(logs.find((r) => r.msg === 'b')).toEqual({ msg: 'b', n: 98 })
    expect(logs.find((r) => r.msg === 'z')).toBeUndefined()
    expect(logs.filter((r) => (r.n as number) > 97).map((r) => r.msg)).toEqual(['b', 'c'])
    logs.restore()
  })

  it('selects by level given as a label or a number, matching either form in the lines', () => {
    const logger = fakeLogger()
    const logs = captureWith(logger.setOutput)
    logger.write('{"level":30,"msg":"numeric info"}\n')
    logger.write('{"level":"info","msg":"label info"}\n')
    logger.write('{"level":"INFO","msg":"upper-case info"}\n')
    logger.write('{"level":50,"msg":"error"}\n')
    logger.write('not json\n')
    const messages = (level: string | number) => logs.byLevel(level).map((r) => r.msg)
    expect(messages('info')).toEqual(['numeric info', 'label info', 'upper-case info'])
    expect(messages('INFO')).toEqual(['numeric info', 'label info', 'upper-case info'])
    expect(messages(30)).toEqual(['numeric info', 'label info', 'upper-case info'])
    expect(messages('error')).toEqual(['error'])
    expect(messages('warn')).toEqual([])
    logs.restore()
  })

  it('forgets what it captured on clear and goes on capturing', () => {
    const logger = fakeLogger()
    const logs = captureWith(logger.setOutput)
    logger.write('{"msg":"before"}\n')
    logs.clear()
    expect(logs.lines).toEqual([])
    logger.write('{"msg":"after"}\n')
    expect(logs.records()).toEqual([{ msg: 'after' }])
    logs.restore()
  })

  it('puts the previous output back on restore, once', () => {
    const logger = fakeLogger()
    const before = logger.current()
    const logs = captureWith(logger.setOutput)
    logs.restore()
    expect(logger.current()).toBe(before)
    logger.write('{"msg":"to stdout"}\n')
    expect(logs.lines).toEqual([])
    expect(logger.stdout).toEqual(['{"msg":"to stdout"}\n'])
    // A second restore must not undo a capture started since.
    const second = captureWith(logger.setOutput)
    logs.restore()
    logger.write('{"msg":"captured"}\n')
    expect(second.lines).toEqual(['{"msg":"captured"}\n'])
    second.restore()
  })

  it('nests: an inner capture gives the lines back to the outer one when it ends', () => {
    const logger = fakeLogger()
    const outer = captureWith(logger.setOutput)
    const inner = captureWith(logger.setOutput)
    logger.write('{"msg":"inner"}\n')
    inner.restore()
    logger.write('{"msg":"outer"}\n')
    outer.restore()
    expect(inner.lines).toEqual(['{"msg":"inner"}\n'])
    expect(outer.lines).toEqual(['{"msg":"outer"}\n'])
  })

  it('restores at the end of a using block', () => {
    const logger = fakeLogger()
    const before = logger.current()
    {
      using logs = captureWith(logger.setOutput)
      logger.write('{"msg":"inside"}\n')
      expect(logs.lines).toHaveLength(1)
    }
    expect(logger.current()).toBe(before)
  })
})
