// The builders' events as @sightline/correlation reads them: detected source, IDs, debug, chain, trace.
import { type CorrelationContext, extractFromEvent, extractFromRecord } from '@sightline/correlation'
import { describe, expect, it } from 'vitest'
import { albEvent } from '../src/alb.js'
import { apiGatewayV1Event, apiGatewayV2Event } from '../src/api-gateway.js'
import { cloudWatchLogsEvent } from '../src/cloudwatch-logs.js'
import { directInvokeEvent } from '../src/direct.js'
import { dynamodbEvent } from '../src/dynamodb.js'
import { eventBridgeEvent, scheduledEvent } from '../src/eventbridge.js'
import { functionUrlEvent } from '../src/function-url.js'
import { kinesisEvent } from '../src/kinesis.js'
import { snsEvent } from '../src/sns.js'
import { snsSqsEvent, sqsEvent } from '../src/sqs.js'

const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
const correlation = {
  'x-correlation-id': 'abc',
  'x-correlation-user-id': 'u1',
  'debug-log-enabled': 'true',
  'call-chain-length': '2',
}
const context = { awsRequestId: 'req-1' }

function seen(ctx: CorrelationContext) {
  return { source: ctx.source, ids: ctx.ids, debug: ctx.debug, callChainLength: ctx.callChainLength }
}
const carried = {
  ids: { 'x-correlation-id': 'abc', 'x-correlation-user-id': 'u1' },
  debug: true,
  callChainLength: 3,
}

describe('events built with correlation, read by @sightline/correlation', () => {
  it('HTTP events: the IDs and the trace header from the headers', () => {
    const cases = [
      ['api-gateway-rest', apiGatewayV1Event({ correlation, traceHeader: TRACE })],
      ['api-gateway-http', apiGatewayV2Event({ correlation, traceHeader: TRACE })],
      ['function-url', functionUrlEvent({ correlation, traceHeader: TRACE })],
      ['alb', albEvent({ correlation, traceHeader: TRACE })],
      ['alb', albEvent({ multiValue: true, correlation, traceHeader: TRACE })],
    ] as const
    for (const [source, event] of cases) {
      const ctx = extractFromEvent(event, context)
      expect(seen(ctx)).toEqual({ source, ...carried })
      expect(ctx.traceHeader).toBe(TRACE)
    }
  })

  it('SNS, and SQS records plain, enveloped by SNS and raw from SNS', () => {
    expect(seen(extractFromEvent(snsEvent({ messages: [{ message: 'm' }], correlation }), context))).toEqual({
      source: 'sns',
      ...carried,
    })
    for (const event of [
      sqsEvent({ records: [{ body: 'm' }], correlation, traceHeader: TRACE }),
      snsSqsEvent({ raw: false, records: [{ message: 'm' }], correlation, traceHeader: TRACE }),
      snsSqsEvent({ raw: true, records: [{ message: 'm' }], correlation, traceHeader: TRACE }),
    ]) {
      const ctx = extractFromEvent(event, context)
      expect(seen(ctx)).toEqual({ source: 'sqs', ...carried })
      expect(ctx.traceHeader).toBe(TRACE)
    }
  })

  it('per-record IDs of an SQS batch', () => {
    const event = sqsEvent({
      records: [{ body: 'a', correlation: { 'x-correlation-id': 'one' } }, { body: 'b' }],
    })
    const parent = extractFromEvent(event, context)
    const ids = event.Records.map((r) => extractFromRecord(r, parent).context.ids['x-correlation-id'])
    expect(ids).toEqual(['one', 'req-1'])
  })

  it('Kinesis: the IDs, and the record handed on with the producer’s exact bytes', () => {
    const text = '{ "orderId": 1, "note": "spaced" }'
    const event = kinesisEvent({ records: [{ data: text }], correlation })
    expect(seen(extractFromEvent(event, context))).toEqual({ source: 'kinesis', ...carried })
    const { record } = extractFromRecord(event.Records[0]!, extractFromEvent(event, context))
    expect(Buffer.from(record.kinesis.data, 'base64').toString('utf8')).toBe(text)
  })

  it('EventBridge detail and a direct invoke payload', () => {
    expect(seen(extractFromEvent(eventBridgeEvent({ detail: { a: 1 }, correlation }), context))).toEqual({
      source: 'eventbridge',
      ...carried,
    })
    expect(seen(extractFromEvent(directInvokeEvent({ a: 1 }, { correlation }), context))).toEqual({
      source: 'direct',
      ...carried,
    })
  })

  it('sources without IDs', () => {
    const cases = [
      ['dynamodb', dynamodbEvent({ records: [{ keys: { id: 1 } }] })],
      ['scheduled', scheduledEvent()],
      ['cloudwatch-logs', cloudWatchLogsEvent({ logGroup: 'g', logStream: 's', messages: ['m'] })],
    ] as const
    for (const [source, event] of cases) {
      expect(seen(extractFromEvent(event, context))).toEqual({
        source,
        ids: { 'x-correlation-id': 'req-1' },
        debug: false,
        callChainLength: 1,
      })
    }
  })
})
