import { gzipSync } from 'node:zlib'
import { cloudWatchLogsEvent, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogMetricsHandler } from '../src/processor.js'
import { type FakeCloudWatch, startFakeCloudWatch } from './cloudwatch-server.js'
import { capture } from './helpers.js'

const out = capture()
let cw: FakeCloudWatch
beforeAll(async () => {
  cw = await startFakeCloudWatch()
})
afterAll(() => cw.close())
beforeEach(() => cw.reset())

const now = () => Math.floor(Date.now() / 1000)
const events = (messages: string[], extra: Partial<Parameters<typeof cloudWatchLogsEvent>[0]> = {}) =>
  cloudWatchLogsEvent({
    logGroup: '/aws/lambda/orders',
    logStream: '2026/11/22/[$LATEST]abc',
    messages,
    ...extra,
  })
const handler = (env: Record<string, string> = {}) =>
  createLogMetricsHandler({ namespace: 'Orders', client: cw.client(), env })

describe('createLogMetricsHandler', () => {
  it('puts the MONITORING lines of a payload as datums, aggregated per name, tags and second', async () => {
    const s = now()
    const summary = await handler()(
      events([
        `MONITORING|${s}|1|count|orders.placed|#channel:web\n`,
        `MONITORING|${s}|2|count|orders.placed|#channel:web\n`,
        `MONITORING|${s}|1|count|orders.placed|#channel:app\n`,
        `MONITORING|${s}|3|gauge|queue.depth\n`,
        `MONITORING|${s}|7|gauge|queue.depth\n`,
        `MONITORING|${s}|12|histogram|order.amount\n`,
        `MONITORING|${s}|12|histogram|order.amount\n`,
        `MONITORING|${s}|40|histogram|order.amount\n`,
        '{"level":"info","msg":"an ordinary log line"}\n',
        'START RequestId: 1 Version: $LATEST\n',
      ]),
      fakeContext(),
    )
    expect(summary).toMatchObject({ logEvents: 10, metrics: 8, malformed: 0, datums: 4, requests: 1 })
    expect(cw.requests[0]!.namespace).toBe('Orders')
    const data = cw.accepted().map(({ MetricName, Dimensions, Value, Values, Counts, Timestamp }) => ({
      MetricName,
      Dimensions,
      Value,
      Values,
      Counts,
      Timestamp,
    }))
    expect(data).toEqual([
      {
        MetricName: 'orders.placed',
        Dimensions: [{ Name: 'channel', Value: 'web' }],
        Value: 3,
        Timestamp: s,
      },
      {
        MetricName: 'orders.placed',
        Dimensions: [{ Name: 'channel', Value: 'app' }],
        Value: 1,
        Timestamp: s,
      },
      { MetricName: 'queue.depth', Value: 7, Timestamp: s },
      { MetricName: 'order.amount', Values: [12, 40], Counts: [2, 1], Timestamp: s },
    ])
  })

  it('keeps different seconds apart', async () => {
    const s = now()
    await handler()(events([`MONITORING|${s - 1}|1|count|c\n`, `MONITORING|${s}|1|count|c\n`]))
    expect(cw.accepted().map((d) => [d.Timestamp, d.Value])).toEqual([
      [s - 1, 1],
      [s, 1],
    ])
  })

  it('skips and counts malformed lines, checks, and metrics too old or too far ahead', async () => {
    const s = now()
    const summary = await handler()(
      events([
        `MONITORING|${s}000|1|count|in.milliseconds\n`,
        `MONITORING|${s}|1|distribution|unsupported.type\n`,
        `MONITORING|${s}|0|check|service.ok\n`,
        `MONITORING|${s - 15 * 86_400}|1|count|too.old\n`,
        `MONITORING|${s + 3 * 3_600}|1|count|too.far.ahead\n`,
        `MONITORING|${s}|1|count|good|#bare,k:v\n`,
      ]),
    )
    expect(summary).toMatchObject({
      metrics: 1,
      malformed: 2,
      checks: 1,
      outOfRange: 2,
      droppedTags: 1,
      datums: 1,
    })
    expect(cw.accepted().map((d) => d.MetricName)).toEqual(['good'])
  })

  it('sends batches of at most 1,000 datums', async () => {
    const s = now()
    const lines = Array.from({ length: 2_345 }, (_, i) => `MONITORING|${s}|1|count|m${i}\n`)
    const summary = await handler()(events(lines))
    expect(summary).toMatchObject({ datums: 2_345, requests: 3 })
    expect(cw.requests.map((r) => [r.data.length, r.answered])).toEqual([
      [1000, 'ok'],
      [1000, 'ok'],
      [345, 'ok'],
    ])
  })

  it('ignores a CONTROL_MESSAGE', async () => {
    const summary = await handler()(
      events(['CWL CONTROL MESSAGE: Checking health of destination Firehose.'], {
        messageType: 'CONTROL_MESSAGE',
      }),
    )
    expect(summary.skipped).toBe('control-message')
    expect(cw.requests).toHaveLength(0)
  })

  it.each([
    ['not gzip', { awslogs: { data: Buffer.from('hello').toString('base64') } }],
    ['not JSON', { awslogs: { data: gzipSync('hello').toString('base64') } }],
    ['empty', { awslogs: { data: '' } }],
    ['not a subscription event', { Records: [] }],
  ])('skips a payload that is %s, with a warning, without throwing', async (_, event) => {
    const summary = await handler()(event)
    expect(summary.skipped).toBe('bad-payload')
    expect(cw.requests).toHaveLength(0)
    expect(out.warnings()).toEqual([expect.objectContaining({ code: 'ERR_SIGHTLINE_METRICS_BAD_PAYLOAD' })])
  })

  it('refuses to process its own log group (an infinite loop)', async () => {
    const summary = await handler({ AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders' })(
      events([`MONITORING|${now()}|1|count|x`]),
    )
    expect(summary.skipped).toBe('own-log-group')
    expect(cw.requests).toHaveLength(0)
  })

  it('makes no request for a payload without metrics', async () => {
    const summary = await handler()(events(['just a log line']))
    expect(summary).toMatchObject({ logEvents: 1, metrics: 0, requests: 0 })
    expect(cw.requests).toHaveLength(0)
  })

  it.each([
    ['400', ['invalid']],
    ['500', ['error']],
    ['throttled twice', ['throttle', 'throttle']],
  ] as const)(
    'throws ERR_SIGHTLINE_METRICS_SEND_FAILED on %s, so the subscription delivers again',
    async (_, modes) => {
      cw.respond(...modes)
      await expect(handler()(events([`MONITORING|${now()}|1|count|x`]), fakeContext())).rejects.toMatchObject(
        {
          code: 'ERR_SIGHTLINE_METRICS_SEND_FAILED',
          cause: expect.objectContaining({ code: expect.stringMatching(/^ERR_SIGHTLINE_METRICS_/) }),
        },
      )
    },
  )

  it('retries once after throttling', async () => {
    cw.respond('throttle')
    await expect(handler()(events([`MONITORING|${now()}|1|count|x`]))).resolves.toMatchObject({ requests: 1 })
    expect(cw.requests.map((r) => r.answered)).toEqual(['throttle', 'ok'])
  })

  it('throws before its own deadline when CloudWatch hangs', async () => {
    cw.respond('hang')
    await expect(
      handler()(events([`MONITORING|${now()}|1|count|x`]), fakeContext({ remainingMs: 700 })),
    ).rejects.toMatchObject({
      code: 'ERR_SIGHTLINE_METRICS_SEND_FAILED',
      cause: expect.objectContaining({ code: 'ERR_SIGHTLINE_METRICS_NO_TIME' }),
    })
  })

  it('refuses an invalid namespace or client at construction', () => {
    expect(() => createLogMetricsHandler({ namespace: 'AWS/Logs' })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
    expect(() => createLogMetricsHandler({ namespace: 'N', client: 5 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGHTLINE_INVALID_OPTION' }),
    )
  })
})
