import { type LogRecord, parseLine } from '@sightline/cli'
import { beforeAll, describe, expect, it } from 'vitest'
import { isRuntimeInstalled } from '../../../tools/lambda-harness/index.js'
import { type DemoResult, runDemo } from '../src/flow.js'
import { metricTotals } from '../src/print.js'
import type { XrayDocument } from '../src/receivers/xray-daemon.js'

// The whole flow, once: two Express services and three functions under the official runtime client, on
// fauxqs, kinesalite and local CloudWatch, Sentry and X-Ray receivers. The functions load the built dist.
const ready = isRuntimeInstalled(3)
if (!ready) console.warn('demo test skipped: run `pnpm run setup:runtime` (and `pnpm run build`) first')

let demo: DemoResult
let handles: Record<string, number>

/** Active handles by kind (TCP servers, sockets, UDP sockets, child processes, timers). */
function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

beforeAll(async () => {
  if (!ready) return
  handles = activeHandles()
  demo = await runDemo()
}, 120_000)

/** Every Sightline log line of a log group (`create-post`, `services`, …), parsed. */
function records(group: string): LogRecord[] {
  const lines = Object.entries(demo.logs).find(([name]) => name.endsWith(`/${group}`))?.[1] ?? []
  return lines.flatMap((l) => {
    const parsed = parseLine(l.message)
    return parsed.kind === 'log' ? [parsed.record] : []
  })
}

const alice = () => demo.requests[0]!
const bob = () => demo.requests[1]!
const postIdOf = (author: string) => demo.requests.find((r) => r.author === author)!.postId!

describe.runIf(ready)('the demo flow', () => {
  it('tells the first request’s story through every hop, with the same correlation id and user id', () => {
    const { story } = demo
    expect(story.id).toBe(alice().correlationId)
    expect(story.hops.map((h) => h.name).sort()).toEqual(
      ['add-to-feed', 'api-service', 'create-post', 'distribute', 'relationship-service'].sort(),
    )
    for (const line of story.lines) {
      expect(line.ids, `${line.hop}: ${line.message}`).toMatchObject({
        'x-correlation-id': alice().correlationId,
        'x-correlation-user-id': 'alice',
      })
    }
    // From create-post on, the post id it set travels too.
    const downstream = story.lines.filter((l) => l.hop !== 'api-service' && l.hop !== 'relationship-service')
    for (const line of downstream) expect(line.ids['x-correlation-post-id']).toBe(postIdOf('alice'))
  })

  it("generates the second request's correlation id and keeps it apart from the first's", () => {
    expect(bob().correlationId).toMatch(/^[0-9a-f-]{36}$/)
    const bobLines = ['services', 'create-post', 'distribute', 'add-to-feed']
      .flatMap(records)
      .filter((r) => r.ids['x-correlation-user-id'] === 'bob')
    expect(new Set(bobLines.map((r) => r.name))).toEqual(
      new Set(['api-service', 'create-post', 'distribute', 'relationship-service', 'add-to-feed']),
    )
    for (const r of bobLines) expect(r.ids['x-correlation-id']).toBe(bob().correlationId)
  })

  it('gives each SQS and Kinesis record its own ids in one batch', () => {
    const distributing = records('distribute').filter((r) => r.message === 'distributing post')
    expect(distributing).toHaveLength(2)
    for (const r of distributing) {
      const request = demo.requests.find((q) => q.author === r.fields.author)!
      expect(r.ids).toMatchObject({
        'x-correlation-id': request.correlationId,
        'x-correlation-post-id': request.postId,
      })
    }
    // Both SQS records went to one invocation, and both Kinesis batches of followers to another.
    expect(new Set(distributing.map((r) => r.awsRequestId)).size).toBe(1)
    const adding = records('add-to-feed').filter((r) => r.message === 'adding to feeds')
    expect(adding).toHaveLength(4)
    expect(new Set(adding.map((r) => r.awsRequestId)).size).toBe(1)
    for (const r of adding) {
      const author = r.fields.postId === postIdOf('alice') ? 'alice' : 'bob'
      const request = demo.requests.find((q) => q.author === author)!
      expect(r.ids).toMatchObject({
        'x-correlation-id': request.correlationId,
        'x-correlation-user-id': author,
        'x-correlation-post-id': r.fields.postId,
      })
    }
  })

  it('keeps one X-Ray Root across every hop, from the API service to the Kinesis consumer', () => {
    const root = demo.story.lines.find((l) => l.hop === 'api-service')?.traceId
    expect(root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    expect(new Set(demo.story.lines.map((l) => l.hop))).toContain('add-to-feed')
    for (const line of demo.story.lines) expect(line.traceId, `${line.hop}: ${line.message}`).toBe(root)
    const segment = (name: string) =>
      demo.xray.find((d) => d.name === name && d.origin === 'AWS::Lambda::Function')
    expect(segment('create-post')?.trace_id).toBe(root)
    expect(segment('distribute')?.trace_id).toBe(root)
    // Bob's lines carry bob's Root, in every function, add-to-feed included.
    const bobRoots = ['services', 'create-post', 'distribute', 'add-to-feed']
      .flatMap(records)
      .filter((r) => r.ids['x-correlation-user-id'] === 'bob')
      .map((r) => r.traceId)
    expect(new Set(bobRoots).size).toBe(1)
    expect(bobRoots[0]).not.toBe(root)
  })

  it('connects the segment tree: each function segment hangs under the call that reached it', () => {
    const byId = new Map(demo.xray.map((d) => [d.id, d]))
    const parentOf = (doc: XrayDocument | undefined) => (doc ? byId.get(doc.parent_id) : undefined)
    const root = demo.story.lines.find((l) => l.hop === 'api-service')?.traceId
    const inTrace = demo.xray.filter((d) => d.trace_id === root)
    const createPost = inTrace.find((d) => d.name === 'create-post')
    expect(parentOf(createPost)).toMatchObject({ namespace: 'remote', http: { request: { method: 'POST' } } })
    expect(parentOf(parentOf(createPost))).toMatchObject({ name: 'api-service' })
    const distribute = inTrace.find((d) => d.name === 'distribute')
    expect(parentOf(distribute)).toMatchObject({ namespace: 'aws', aws: { operation: 'Publish' } })
    // Alice's call to the relationship service; bob's record (another trace) made its call in bob's trace.
    expect(inTrace.filter((d) => d.name === 'relationship-service')).toHaveLength(1)
    expect(demo.xray.filter((d) => d.name === 'relationship-service')).toHaveLength(2)
  })

  it("hangs add-to-feed's work for each record in its request's trace, under the call that wrote it", () => {
    const byId = new Map(demo.xray.map((d) => [d.id, d]))
    const root = demo.story.lines.find((l) => l.hop === 'api-service')?.traceId
    const steps = demo.xray.filter((d) => d.name === 'add to feeds')
    // One step per Kinesis record, in the trace its lines name.
    const adding = records('add-to-feed').filter((r) => r.message === 'adding to feeds')
    expect(steps).toHaveLength(adding.length)
    for (const trace of new Set(adding.map((r) => r.traceId)))
      expect(steps.filter((d) => d.trace_id === trace)).toHaveLength(
        adding.filter((r) => r.traceId === trace).length,
      )
    expect(steps.filter((d) => d.trace_id === root).length).toBeGreaterThan(0)
    for (const step of steps) {
      // Connected up to the API service's segment of the same trace, through create-post.
      const chain: string[] = []
      for (let up = byId.get(step.parent_id); up !== undefined; up = byId.get(up.parent_id)) {
        expect(up.trace_id).toBe(step.trace_id)
        chain.push(up.name)
      }
      expect(chain.at(-1), `add to feeds in ${step.trace_id}`).toBe('api-service')
      expect(chain).toContain('create-post')
    }
    // Each step hangs under the PutRecords call that wrote its record (the envelope names that subsegment).
    for (const step of steps)
      expect(byId.get(step.parent_id)).toMatchObject({ namespace: 'aws', aws: { operation: 'PutRecords' } })
    // Alice's records were written by the distribute invocation whose segment is in her trace.
    for (const step of steps.filter((d) => d.trace_id === root))
      expect(byId.get(byId.get(step.parent_id)!.parent_id)).toMatchObject({ name: 'distribute' })
    // The broken follower's step is recorded as failed, with its error.
    expect(steps.filter((d) => d.fault === true || d.error === true)).toHaveLength(1)
    // The invocation itself still starts a trace of its own, as a Kinesis-triggered one does on AWS.
    const own = demo.xray.find((d) => d.name === 'add-to-feed' && d.origin === 'AWS::Lambda::Function')
    expect(own?.trace_id).toMatch(/^1-/)
    expect(own?.trace_id).not.toBe(root)
  })

  it('fails only the record holding the broken follower, reported once to Sentry with its ids', () => {
    const failed = records('add-to-feed').filter((r) => r.level === 'error')
    expect(failed).toHaveLength(1)
    const [line] = failed
    expect(demo.results.addToFeed).toEqual({
      batchItemFailures: [{ itemIdentifier: line!.fields.itemIdentifier }],
    })
    expect(demo.sentryEvents).toHaveLength(1)
    const [event] = demo.sentryEvents
    expect(event!.event_id).toBe(line!.fields.sentryEventId)
    expect(event!.exception.values[0]).toMatchObject({
      type: 'FeedUnavailableError',
      value: 'the feed store of mallory is unavailable',
    })
    expect(event!.tags).toMatchObject({
      'x-correlation-id': alice().correlationId,
      'x-correlation-user-id': 'alice',
      'x-correlation-post-id': postIdOf('alice'),
      function_name: 'add-to-feed',
      aws_request_id: line!.awsRequestId,
      xray_trace_id: line!.traceId,
    })
    // The other records of the batch succeeded.
    expect(records('add-to-feed').filter((r) => r.message === 'feeds updated')).toHaveLength(3)
  })

  it('turns every MONITORING line written into the datums CloudWatch received', () => {
    const expected = new Map<string, { sum: number; samples: number; type: string }>()
    const written = Object.values(demo.logs)
      .flat()
      .map((l) => l.message)
      .filter((m) => m.startsWith('MONITORING|'))
    expect(written.length).toBeGreaterThan(10)
    for (const line of written) {
      const [, , value, type, name, tags = '#'] = line.trim().split('|')
      const dimensions = tags
        .slice(1)
        .split(',')
        .filter(Boolean)
        .map((t) => t.replace(':', '='))
        .sort()
        .join(', ')
      const key = `${name} ${dimensions}`
      const total = expected.get(key) ?? { sum: 0, samples: 0, type: type! }
      total.sum += Number(value)
      total.samples += 1
      expected.set(key, total)
    }
    const received = new Map(metricTotals(demo.cloudWatch).map((t) => [`${t.name} ${t.dimensions}`, t]))
    expect([...received.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [key, { sum, samples, type }] of expected) {
      expect(received.get(key)!.sum, key).toBeCloseTo(sum, 6)
      // Counts are summed per second into one datum; histogram values are kept one by one.
      if (type === 'histogram') expect(received.get(key)!.samples, key).toBe(samples)
    }
    const summaries = demo.processed as Array<{ metrics: number; malformed: number }>
    expect(summaries.reduce((n, s) => n + s.metrics, 0)).toBe(written.length)
    expect(summaries.every((s) => s.malformed === 0)).toBe(true)
  })

  it('leaves nothing running: child processes gone, ports closed, no server or socket left', async () => {
    const now = activeHandles()
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'UDPWrap', 'ProcessWrap', 'PipeWrap'])
      expect(now[kind] ?? 0, kind).toBeLessThanOrEqual(handles[kind] ?? 0)
    expect(demo.pids).toHaveLength(8)
    for (const pid of demo.pids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow(/ESRCH/)
    expect(demo.endpoints).toHaveLength(8)
    for (const url of demo.endpoints) await expect(fetch(url), url).rejects.toThrow()
  })
})
