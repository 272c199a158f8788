import { describe, expect, it } from 'vitest'
import { belongsTo, createStoryCollector, parseLine } from '../src/index.js'
import { ALICE, ALICE_POST, ALICE_ROOT, BOB, demoStory, line, storyOf } from './helpers.js'

/** An epoch-milliseconds base: small numbers would read as seconds. */
const T = 1_795_316_464_000

describe('createStoryCollector', () => {
  it('gathers every line of the request from every service and function, in time order', () => {
    const story = demoStory(ALICE)
    expect(story.lines).toHaveLength(15)
    expect(story.lines.map((l) => `${l.hop}: ${l.message}`)).toEqual([
      'api-service: new post received',
      'create-post: creating post',
      'create-post: post-created published',
      'api-service: post accepted',
      'api-service: request completed',
      'distribute: distributing post',
      'relationship-service: followers listed',
      'relationship-service: request completed',
      'distribute: fan-out queued',
      'add-to-feed: adding to feeds',
      'add-to-feed: feeds updated',
      'add-to-feed: adding to feeds',
      'add-to-feed: batch record failed',
      'add-to-feed: adding to feeds',
      'add-to-feed: feeds updated',
    ])
    for (let i = 1; i < story.lines.length; i++)
      expect(story.lines[i]!.time).toBeGreaterThanOrEqual(story.lines[i - 1]!.time)
    for (const l of story.lines) expect(l.ids['x-correlation-id']).toBe(ALICE)
  })

  it('leaves out the lines of another request handled in the same invocation', () => {
    const bob = demoStory(BOB)
    expect(bob.lines.length).toBeGreaterThan(0)
    for (const l of bob.lines) expect(l.ids['x-correlation-id']).toBe(BOB)
    expect(bob.lines.filter((l) => l.hop === 'add-to-feed').map((l) => l.message)).toEqual([
      'adding to feeds',
      'feeds updated',
    ])
  })

  it('finds a story by any correlation id (the post id) or by the X-Ray Root', () => {
    const byPost = demoStory(ALICE_POST)
    // The relationship service was called after create-post set the post id: its lines carry it too.
    expect(new Set(byPost.lines.map((l) => l.hop))).toEqual(
      new Set(['create-post', 'distribute', 'relationship-service', 'add-to-feed']),
    )
    const byRoot = demoStory(ALICE_ROOT)
    expect(new Set(byRoot.lines.map((l) => l.hop))).toEqual(
      new Set(['api-service', 'create-post', 'distribute', 'relationship-service']),
    )
  })

  it('counts what it read: story lines, other requests, metrics, platform records, the unreadable', () => {
    expect(demoStory(ALICE).stats).toEqual({
      lines: 68,
      matched: 15,
      // The runtime client's `Executing 'create-post.handler' in function directory …`, one per function.
      malformed: 4,
      malformedReasons: { 'not-json': 4, 'invalid-json': 0, 'not-an-object': 0, 'too-long': 0 },
      unrelated: 11,
      // distribute's log is in Lambda's text format: START, END and REPORT lines.
      other: 3,
      metrics: 21,
      platform: 14,
    })
  })

  it('keeps the read order of lines written in the same millisecond', () => {
    const story = storyOf('c', [
      line({ time: T + 1000, 'x-correlation-id': 'c', msg: 'b' }),
      line({ time: T + 1000, 'x-correlation-id': 'c', msg: 'a' }),
      line({ time: T + 999, 'x-correlation-id': 'c', msg: 'first' }),
    ])
    expect(story.lines.map((l) => l.message)).toEqual(['first', 'b', 'a'])
  })

  it('names a line by its function, else its service, else where it was read', () => {
    const story = storyOf(
      'c',
      [
        line({ time: T + 1, 'x-correlation-id': 'c', function_name: 'fn', service: 'svc' }),
        line({ time: T + 2, 'x-correlation-id': 'c', service: 'svc' }),
        line({ time: T + 3, 'x-correlation-id': 'c' }),
      ],
      'edge',
    )
    expect(story.lines.map((l) => l.hop)).toEqual(['fn', 'svc', 'edge'])
  })

  it('tells an empty story when no line carries the id', () => {
    const story = storyOf('nobody', [line({ time: T + 1, 'x-correlation-id': 'c' })])
    expect(story.lines).toEqual([])
    expect(story.hops).toEqual([])
    expect(story.start).toBeNaN()
  })

  it('refuses an empty id', () => {
    expect(() => createStoryCollector(' ')).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})

describe('belongsTo', () => {
  const record = (fields: Record<string, unknown>) => {
    const parsed = parseLine(line({ time: T + 1, ...fields }))
    if (parsed.kind !== 'log') throw new Error('not a log line')
    return parsed.record
  }

  it('matches any x-correlation-* value or the trace Root, never another field', () => {
    expect(belongsTo(record({ 'x-correlation-order-id': 'o-1' }), 'o-1')).toBe(true)
    expect(belongsTo(record({ traceId: '1-a-b' }), '1-a-b')).toBe(true)
    expect(belongsTo(record({ orderId: 'o-1', msg: 'o-1' }), 'o-1')).toBe(false)
    expect(belongsTo(record({ 'x-correlation-id': 'o-10' }), 'o-1')).toBe(false)
  })
})
