import { describe, expect, it } from 'vitest'
import { formatDuration, formatStory, formatWaterfall, printable } from '../src/index.js'
import { ALICE, demoStory, line, storyOf } from './helpers.js'

/** An epoch-milliseconds base: small numbers would read as seconds. */
const T = 1_795_316_464_000

const simple = () =>
  storyOf('c', [
    line({ time: T + 1000, 'x-correlation-id': 'c', service: 'api', msg: 'received' }),
    line({
      time: T + 1050,
      'x-correlation-id': 'c',
      function_name: 'worker',
      awsRequestId: 'r',
      msg: 'working',
    }),
    line({
      time: T + 1100,
      'x-correlation-id': 'c',
      function_name: 'worker',
      awsRequestId: 'r',
      level: 'error',
      msg: 'failed',
      err: { type: 'TypeError', message: 'no feed' },
    }),
    line({
      time: T + 1200,
      'x-correlation-id': 'c',
      service: 'api',
      msg: 'request completed',
      durationMs: 200,
    }),
  ])

describe('formatStory', () => {
  it('prints each line with its offset, service or function, level and message, errors included', () => {
    expect(formatStory(simple())).toBe(
      [
        'Story of c: 4 lines from api and worker over 200 ms',
        '',
        '    +0 ms  api      info   received',
        '   +50 ms  worker   info   working',
        '  +100 ms  worker   error  failed (TypeError: no feed)',
        '  +200 ms  api      info   request completed',
        '',
      ].join('\n'),
    )
  })

  it('says so when no line carries the id', () => {
    expect(formatStory(storyOf('nobody', []))).toBe('No line carries nobody.\n')
  })

  it('never lets a log line write control characters to the terminal', () => {
    const story = storyOf('c', [
      line({ time: T + 1, 'x-correlation-id': 'c', service: 'a\u001b[2J', msg: 'x\u001b]0;t\u0007\ny' }),
      line({ time: T + 2, 'x-correlation-id': 'c', level: 'info\u001b[31m', msg: 'coloured level' }),
    ])
    const out = formatStory(story)
    expect(out.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u)
    expect(out).toContain('x\\u{1b}]0;t\\u{7}\\u{a}y')
  })

  it('prints the recorded demo request in order, with the failed record’s error', () => {
    const out = formatStory(demoStory(ALICE))
    expect(out.split('\n')[0]).toBe(
      'Story of demo-7f3a2c19: 15 lines from api-service, create-post, distribute, ' +
        'relationship-service and add-to-feed over 268 ms',
    )
    expect(out).toContain(
      'add-to-feed           error  batch record failed (FeedUnavailableError: the feed store',
    )
  })
})

describe('formatWaterfall', () => {
  it('draws one bar per hop on a common time axis, with its start offset and duration', () => {
    expect(formatWaterfall(simple(), { width: 20 })).toBe(
      [
        'Waterfall (200 ms)',
        '',
        '  api    |████████████████████|     +0 ms  200 ms',
        '  worker |     █████          |    +50 ms  50 ms  error',
        '',
      ].join('\n'),
    )
  })

  it('gives an instant a bar of one column, and nothing for an empty story', () => {
    const story = storyOf('c', [line({ time: T + 5, 'x-correlation-id': 'c', service: 's' })])
    expect(formatWaterfall(story, { width: 10 })).toContain('  s    |█         |     +0 ms  0 ms')
    expect(formatWaterfall(storyOf('c', []))).toBe('')
  })

  it.each([9, 501, 2.5, Number.NaN])('refuses a width of %s', (width) => {
    expect(() => formatWaterfall(simple(), { width })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})

describe('formatDuration and printable', () => {
  it.each([
    [0, '0 ms'],
    [999.4, '999 ms'],
    [1840, '1.84 s'],
    [59_994, '59.99 s'],
    [119_600, '2 min 0 s'],
  ])('formats %s ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('escapes C0, C1, DEL and the line separators, and leaves other text alone', () => {
    expect(printable('a\tb\u0085c\u2028d\u007fé✓')).toBe('a\\u{9}b\\u{85}c\\u{2028}d\\u{7f}é✓')
  })
})
