import { describe, expect, it } from 'vitest'
import { ALICE, demoStory, line, storyOf } from './helpers.js'

/** An epoch-milliseconds base: small numbers would read as seconds. */
const T = 1_795_316_464_000

const iso = (ms: number) => new Date(ms).toISOString()
const platform = (type: 'start' | 'report', requestId: string, time: number, durationMs?: number) =>
  JSON.stringify({
    time: iso(time),
    type: `platform.${type}`,
    record: durationMs === undefined ? { requestId } : { requestId, metrics: { durationMs } },
  })

describe('hopsOf (through a story)', () => {
  it('makes one hop per service and per function invocation, in start order, the failed one marked', () => {
    const hops = demoStory(ALICE).hops
    expect(hops.map((h) => [h.name, h.level, h.measured])).toEqual([
      ['api-service', 'info', false],
      ['create-post', 'info', true],
      ['distribute', 'info', false],
      ['relationship-service', 'info', false],
      ['add-to-feed', 'error', true],
    ])
    // distribute's log is in the text format: no platform records, so its lines bound it.
    const distribute = hops.find((h) => h.name === 'distribute')!
    expect(distribute.end - distribute.start).toBe(1795316464710 - 1795316464643)
  })

  it('takes an invocation’s bounds from Lambda’s platform records when its lines are inside them', () => {
    const story = storyOf('c', [
      platform('start', 'r-1', T + 1000),
      line({ time: T + 1010, 'x-correlation-id': 'c', awsRequestId: 'r-1', function_name: 'fn' }),
      line({ time: T + 1020, 'x-correlation-id': 'c', awsRequestId: 'r-1', function_name: 'fn' }),
      platform('report', 'r-1', T + 1051, 45.5),
    ])
    expect(story.hops).toEqual([
      {
        name: 'fn',
        awsRequestId: 'r-1',
        start: T + 1000,
        end: T + 1045.5,
        lines: 2,
        level: 'info',
        measured: true,
      },
    ])
  })

  it('works back from the report alone, and keeps lines past the records inside the hop', () => {
    const story = storyOf('c', [
      line({ time: T + 1010, 'x-correlation-id': 'c', awsRequestId: 'r-1', function_name: 'fn' }),
      platform('report', 'r-1', T + 1030, 25),
      line({ time: T + 1040, 'x-correlation-id': 'c', awsRequestId: 'r-1', function_name: 'fn' }),
    ])
    expect(story.hops[0]).toMatchObject({ start: T + 1005, end: T + 1040, measured: true })
  })

  it('reaches back from an access line’s durationMs to when the request started', () => {
    const story = storyOf('c', [
      line({ time: T + 1100, 'x-correlation-id': 'c', service: 'api', msg: 'received' }),
      line({
        time: T + 1200,
        'x-correlation-id': 'c',
        service: 'api',
        msg: 'request completed',
        durationMs: 150,
      }),
    ])
    expect(story.hops).toEqual([
      {
        name: 'api',
        awsRequestId: undefined,
        start: T + 1050,
        end: T + 1200,
        lines: 2,
        level: 'info',
        measured: false,
      },
    ])
    expect(story.start).toBe(T + 1050)
  })

  it('keeps two invocations of one function apart, and the worst level of each', () => {
    const story = storyOf('c', [
      line({ time: T + 1, 'x-correlation-id': 'c', awsRequestId: 'a', function_name: 'fn', level: 'warn' }),
      line({ time: T + 2, 'x-correlation-id': 'c', awsRequestId: 'b', function_name: 'fn', level: 'fatal' }),
      line({ time: T + 3, 'x-correlation-id': 'c', awsRequestId: 'b', function_name: 'fn', level: 'error' }),
    ])
    expect(story.hops.map((h) => [h.awsRequestId, h.level, h.lines])).toEqual([
      ['a', 'warn', 1],
      ['b', 'fatal', 2],
    ])
  })
})
