import { readdirSync, readFileSync } from 'node:fs'
import {
  type CorrelationContext,
  createContext,
  detectSource,
  type EventSource,
  extractFromEvent,
  extractFromRecord,
  getDiagnostics,
  invocationTraceHeader,
  type LambdaContextLike,
  resetDiagnostics,
  wrapJson,
} from '@sightline/correlation'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const fixtures = new URL('./fixtures/', import.meta.url)
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'))
const fixtureNames = readdirSync(fixtures).filter((f) => f.endsWith('.json') && f !== 'expected.json')

interface Found {
  ids: Record<string, string>
  debug: boolean | null
  callChainLengthInbound: number | null
  traceHeader: string | null
  payload?: string
}
type Expectation = ({ source: EventSource } & Found) | { source: EventSource; records: Found[] }
const expected: Record<string, Expectation> = load('expected.json')
const single = Object.entries(expected).filter(
  (e): e is [string, { source: EventSource } & Found] => !('records' in e[1]),
)
const batches = Object.entries(expected).filter(
  (e): e is [string, { source: EventSource; records: Found[] }] => 'records' in e[1],
)

const lambdaContext: LambdaContextLike = {
  awsRequestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
  functionName: 'orders-api',
  functionVersion: '$LATEST',
  memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  logGroupName: '/aws/lambda/orders-api',
  logStreamName: '2024/01/01/[$LATEST]abc',
}
const TRACE_A = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
const TRACE_B = 'Root=1-65a1b2c3-0f1e2d3c4b5a69788796a5b4;Parent=7a2f0c3e9b1d4e56;Sampled=0'
const TRACE_C = 'Root=1-62ecd163-5f302e550dcde3b12402207d;Parent=1f2e3d4c5b6a7980;Sampled=1'

// The trace header sources outside the event: saved, cleared for every test, restored after.
const g = globalThis as { awslambda?: unknown }
let savedEnv: string | undefined
let savedAwslambda: unknown
beforeEach(() => {
  savedEnv = process.env._X_AMZN_TRACE_ID
  savedAwslambda = g.awslambda
  delete process.env._X_AMZN_TRACE_ID
  delete g.awslambda
  resetDiagnostics()
})
afterEach(() => {
  if (savedEnv === undefined) delete process.env._X_AMZN_TRACE_ID
  else process.env._X_AMZN_TRACE_ID = savedEnv
  if (savedAwslambda === undefined) delete g.awslambda
  else g.awslambda = savedAwslambda
})

const sources: Record<string, EventSource> = {
  'apiGatewayProxyEvent.json': 'api-gateway-rest',
  'apiGatewayProxyV2Event.json': 'api-gateway-http',
  'lambdaFunctionUrlEvent.json': 'function-url',
  'lambdaFunctionUrlEventWithHeaders.json': 'function-url',
  'albEvent.json': 'alb',
  'albMultiValueHeadersEvent.json': 'alb',
  'snsEvent.json': 'sns',
  'sqsEvent.json': 'sqs',
  'snsSqsEvent.json': 'sqs',
  'kinesisStreamEvent.json': 'kinesis',
  'eventBridgeEvent.json': 'eventbridge',
  'dynamoStreamEvent.json': 'dynamodb',
  'cloudWatchLogEvent.json': 'cloudwatch-logs',
  'scheduledEvent.json': 'scheduled',
}
for (const [name, e] of Object.entries(expected)) sources[name] ??= e.source

describe('detectSource', () => {
  it('knows the source of every fixture', () => {
    expect(fixtureNames.filter((n) => sources[n] === undefined)).toEqual([])
  })

  it.each(fixtureNames)('detects %s', (name) => {
    expect(detectSource(load(name))).toBe(sources[name])
  })

  it.each([undefined, null, 42, 'text', [], [{ eventSource: 'aws:sqs' }], { hello: 'world' }])(
    'calls %j a direct invocation',
    (event) => {
      expect(detectSource(event)).toBe('direct')
    },
  )
})

describe('extractFromEvent on the fixtures', () => {
  it.each(single)('finds what %s carries', (name, want) => {
    const ctx = extractFromEvent(load(name), lambdaContext)
    expect(ctx.source).toBe(want.source)
    expect(ctx.ids).toEqual(
      Object.keys(want.ids).length > 0 ? want.ids : { 'x-correlation-id': lambdaContext.awsRequestId },
    )
    expect(ctx.debug).toBe(want.debug ?? false)
    expect(ctx.callChainLength).toBe((want.callChainLengthInbound ?? 0) + 1)
    expect(ctx.traceHeader).toBe(want.traceHeader ?? undefined)
    expect(ctx.awsRequestId).toBe(lambdaContext.awsRequestId)
  })

  it('reads a batch of one as that record', () => {
    const want = (expected['snsSqsRawEvent.correlated.json'] as { records: Found[] }).records[0]!
    const ctx = extractFromEvent(load('snsSqsRawEvent.correlated.json'), lambdaContext)
    expect(ctx).toMatchObject({
      source: 'sqs',
      ids: want.ids,
      debug: want.debug,
      callChainLength: want.callChainLengthInbound! + 1,
      traceHeader: want.traceHeader,
    })
  })

  it('leaves the records of a larger batch to extractFromRecord', () => {
    const ctx = extractFromEvent(load('sqsEvent.correlated.json'), lambdaContext)
    expect(ctx).toMatchObject({
      source: 'sqs',
      ids: { 'x-correlation-id': lambdaContext.awsRequestId },
      debug: false,
      callChainLength: 1,
      traceHeader: undefined,
    })
  })

  it('describes the function from the Lambda context', () => {
    const ctx = extractFromEvent({}, lambdaContext, { coldStart: true })
    expect(ctx.lambda).toEqual({
      functionName: 'orders-api',
      functionVersion: '$LATEST',
      memoryLimitInMB: 1024,
      invokedFunctionArn: lambdaContext.invokedFunctionArn,
      logGroupName: lambdaContext.logGroupName,
      logStreamName: lambdaContext.logStreamName,
      coldStart: true,
    })
    expect(extractFromEvent({}, lambdaContext).lambda?.coldStart).toBe(false)
    expect(extractFromEvent({}).lambda).toBeUndefined()
  })

  it('describes each invocation with its own Lambda context, though the description is reused', () => {
    const first = extractFromEvent({}, lambdaContext).lambda
    expect(extractFromEvent({}, { ...lambdaContext }).lambda).toBe(first)
    // An alias and $LATEST in one process, a memory size given as a number: never a stale description.
    const alias = {
      ...lambdaContext,
      functionVersion: '7',
      invokedFunctionArn: `${lambdaContext.invokedFunctionArn}:live`,
    }
    expect(extractFromEvent({}, alias).lambda).toMatchObject({
      functionVersion: '7',
      invokedFunctionArn: alias.invokedFunctionArn,
    })
    expect(extractFromEvent({}, { ...lambdaContext, memoryLimitInMB: 512 }).lambda?.memoryLimitInMB).toBe(512)
    expect(extractFromEvent({}, { ...lambdaContext, logStreamName: 'other' }).lambda?.logStreamName).toBe(
      'other',
    )
    expect(extractFromEvent({}, lambdaContext).lambda).toMatchObject({
      functionVersion: '$LATEST',
      memoryLimitInMB: 1024,
    })
    expect(Object.isFrozen(first)).toBe(true)
  })

  it('drops an unsafe inbound trace header and counts it', () => {
    const event = load('apiGatewayProxyV2Event.json')
    event.headers['x-amzn-trace-id'] = `${TRACE_A}\r\nX-Injected: 1`
    expect(extractFromEvent(event, lambdaContext).traceHeader).toBeUndefined()
    expect(getDiagnostics().droppedTraceEntries).toBe(1)
  })

  it('reads a packed sightline-ids header', () => {
    const event = load('apiGatewayProxyV2Event.json')
    event.headers['X-Correlation-Id'] = 'packed-1'
    event.headers['Sightline-Ids'] = JSON.stringify({
      'x-correlation-user-id': 'u',
      'debug-log-enabled': 'true',
      'call-chain-length': '6',
    })
    expect(extractFromEvent(event, lambdaContext)).toMatchObject({
      ids: { 'x-correlation-id': 'packed-1', 'x-correlation-user-id': 'u' },
      debug: true,
      callChainLength: 7,
    })
  })

  it('reads REST API headers once when multiValueHeaders repeats them', () => {
    const ctx = extractFromEvent(load('apiGatewayProxyEvent.correlated.json'), lambdaContext)
    expect(ctx.ids).toEqual((expected['apiGatewayProxyEvent.correlated.json'] as Found).ids)
    expect(getDiagnostics().droppedIds).toBe(0)
  })

  it('drops unsafe inbound IDs and counts them', () => {
    const event = load('apiGatewayProxyV2Event.correlated.json')
    event.headers['x-correlation-session-id'] = 'evil\r\nSet-Cookie: a=b'
    const ctx = extractFromEvent(event, lambdaContext)
    expect(ctx.ids).toEqual({ 'x-correlation-id': '8d3c2b1a-6f4e-4a7b-9c2d-0e1f2a3b4c5d' })
    expect(getDiagnostics().droppedIds).toBe(1)
  })
})

describe('the fallback x-correlation-id', () => {
  it.each([
    ['apiGatewayProxyEvent.json', 'id='],
    ['apiGatewayProxyV2Event.json', 'id'],
    ['lambdaFunctionUrlEvent.json', load('lambdaFunctionUrlEvent.json').requestContext.requestId],
  ])('is the API Gateway request id for %s', (name, requestId) => {
    expect(extractFromEvent(load(name), lambdaContext).ids).toEqual({ 'x-correlation-id': requestId })
  })

  it.each([
    'albEvent.json',
    'snsEvent.json',
    'sqsEvent.json',
    'kinesisStreamEvent.json',
    'eventBridgeEvent.json',
    'scheduledEvent.json',
    'cloudWatchLogEvent.json',
    'dynamoStreamEvent.json',
  ])('is the Lambda request id for %s', (name) => {
    expect(extractFromEvent(load(name), lambdaContext).ids).toEqual({
      'x-correlation-id': lambdaContext.awsRequestId,
    })
  })

  it('is the Lambda request id when the API Gateway request id is unsafe', () => {
    for (const requestId of ['abc\r\nSet-Cookie: a=b', 'x'.repeat(300), 'caf\u00e9', '', 42]) {
      const event = load('apiGatewayProxyV2Event.json')
      event.requestContext.requestId = requestId
      expect(extractFromEvent(event, lambdaContext).ids).toEqual({
        'x-correlation-id': lambdaContext.awsRequestId,
      })
    }
  })

  it('is a fresh UUID without any request id', () => {
    const a = extractFromEvent({ orderId: 1 }).ids['x-correlation-id']
    const b = extractFromEvent({ orderId: 1 }).ids['x-correlation-id']
    expect(a).toMatch(/^[0-9a-f-]{36}$/)
    expect(a).not.toBe(b)
  })
})

describe('the trace header', () => {
  const event = () => {
    const e = load('apiGatewayProxyV2Event.json')
    e.headers['x-amzn-trace-id'] = TRACE_C
    return e
  }
  const setStore = (id: string | undefined | (() => never)) => {
    g.awslambda = { InvokeStore: { getXRayTraceId: typeof id === 'function' ? id : () => id } }
  }

  it('is context.xRayTraceId before the InvokeStore, the env var and the inbound header', () => {
    setStore(TRACE_B)
    process.env._X_AMZN_TRACE_ID = TRACE_A
    expect(
      extractFromEvent(event(), { ...lambdaContext, xRayTraceId: TRACE_B.replace('Sampled=0', 'Sampled=1') })
        .traceHeader,
    ).toBe(TRACE_B.replace('Sampled=0', 'Sampled=1'))
  })

  it('is the InvokeStore trace id before the env var and the inbound header', () => {
    setStore(TRACE_B)
    process.env._X_AMZN_TRACE_ID = TRACE_A
    expect(extractFromEvent(event(), lambdaContext).traceHeader).toBe(TRACE_B)
  })

  it('is the env var before the inbound header', () => {
    setStore(undefined)
    process.env._X_AMZN_TRACE_ID = TRACE_A
    expect(extractFromEvent(event(), lambdaContext).traceHeader).toBe(TRACE_A)
  })

  it('falls through an InvokeStore that throws', () => {
    setStore(() => {
      throw new Error('no store here')
    })
    process.env._X_AMZN_TRACE_ID = TRACE_A
    expect(extractFromEvent(event(), lambdaContext).traceHeader).toBe(TRACE_A)
  })

  it('is the inbound header when nothing else is set', () => {
    expect(extractFromEvent(event(), lambdaContext).traceHeader).toBe(TRACE_C)
    expect(invocationTraceHeader(undefined, undefined)).toBeUndefined()
  })

  it('is read again for every invocation', () => {
    process.env._X_AMZN_TRACE_ID = TRACE_A
    const first = extractFromEvent({}, lambdaContext)
    process.env._X_AMZN_TRACE_ID = TRACE_B
    const second = extractFromEvent({}, lambdaContext)
    expect(first.traceHeader).toBe(TRACE_A)
    expect(second.traceHeader).toBe(TRACE_B)
    expect(second.trace?.root).toBe('1-65a1b2c3-0f1e2d3c4b5a69788796a5b4')
    setStore(TRACE_C)
    expect(extractFromEvent({}, lambdaContext).traceHeader).toBe(TRACE_C)
  })
})

describe('extractFromRecord on the fixtures', () => {
  it.each(batches)('gives every record of %s its own scope', (name, want) => {
    const event = load(name)
    const original = structuredClone(event)
    const parent = extractFromEvent(event, lambdaContext)
    expect(event.Records).toHaveLength(want.records.length)
    want.records.forEach((w, i) => {
      const raw = event.Records[i]
      const { context, record } = extractFromRecord(raw, parent)
      expect(context.source).toBe(want.source)
      expect(context.parent).toBe(parent)
      expect(context.ids).toEqual(Object.keys(w.ids).length > 0 ? w.ids : parent.ids)
      expect(context.debug).toBe(w.debug ?? parent.debug)
      expect(context.callChainLength).toBe(
        w.callChainLengthInbound === null ? parent.callChainLength : w.callChainLengthInbound + 1,
      )
      expect(context.traceHeader).toBe(w.traceHeader ?? parent.traceHeader)
      if (w.payload !== undefined) {
        expect(Buffer.from((record as any).kinesis.data, 'base64').toString('utf8')).toBe(w.payload)
      } else {
        expect(record).toBe(raw)
      }
    })
    // The event the handler was given is not changed.
    expect(event).toEqual(original)
  })

  it("gives a Kinesis record the producer's trace header from the envelope, the rest from the invocation", () => {
    const producer = 'Root=1-6759e988-bd862e3fe1be46a994272793;Parent=1111222233334444;Sampled=1'
    const parent = createContext({
      ids: { 'x-correlation-id': 'invocation' },
      traceHeader: 'Root=1-5759e988-0000000000000000000000aa;Parent=53995c3f42cd8ad8;Sampled=1',
      source: 'kinesis',
    })
    const payload = '{"postId":"p-1"}'
    const data = Buffer.from(wrapJson(payload, { 'x-correlation-id': 'producer' }, producer)).toString(
      'base64',
    )
    const raw = { eventSource: 'aws:kinesis', kinesis: { data, partitionKey: 'k', sequenceNumber: '1' } }
    const { context, record } = extractFromRecord(raw, parent)
    expect(context.traceHeader).toBe(producer)
    expect(context.trace?.root).toBe('1-6759e988-bd862e3fe1be46a994272793')
    expect(context.ids['x-correlation-id']).toBe('producer')
    expect(Buffer.from(record.kinesis.data, 'base64').toString('utf8')).toBe(payload)
    // Without one in the envelope, the record keeps the invocation's.
    const plain = Buffer.from(wrapJson(payload, { 'x-correlation-id': 'producer' })).toString('base64')
    const other = extractFromRecord({ eventSource: 'aws:kinesis', kinesis: { data: plain } }, parent)
    expect(other.context.traceHeader).toBe(parent.traceHeader)
  })

  it("keeps the invocation's header for a record of the invocation's own trace", () => {
    const root = '1-5759e988-bd862e3fe1be46a994272793'
    const parent = createContext({
      ids: { 'x-correlation-id': 'invocation' },
      traceHeader: `Root=${root};Parent=aaaaaaaaaaaaaaaa;Sampled=1`,
      source: 'sqs',
    })
    const record = (header: string) => ({
      eventSource: 'aws:sqs',
      messageId: 'm',
      body: '{}',
      attributes: { AWSTraceHeader: header },
    })
    // Same Root: the invocation's header, whose Parent is further down that trace.
    const same = extractFromRecord(record(`Root=${root};Parent=bbbbbbbbbbbbbbbb;Sampled=1`), parent)
    expect(same.context.traceHeader).toBe(parent.traceHeader)
    // Another Root (a batch mixing requests): the record's own.
    const other = `Root=1-5759e988-cccccccccccccccccccccccc;Parent=bbbbbbbbbbbbbbbb;Sampled=1`
    expect(extractFromRecord(record(other), parent).context.traceHeader).toBe(other)
  })

  it('leaves a Kinesis record without envelope as the very same object', () => {
    const event = load('kinesisStreamEvent.correlated.json')
    const parent = extractFromEvent(event, lambdaContext)
    expect(extractFromRecord(event.Records[3], parent).record).toBe(event.Records[3])
    expect(extractFromRecord(event.Records[4], parent).record).toBe(event.Records[4])
  })

  it("gives back the producer's bytes from a Kinesis record, whatever they are (property)", () => {
    const parent = createContext({ ids: { 'x-correlation-id': 'parent' }, source: 'kinesis' })
    const ids = { 'x-correlation-id': 'producer', 'x-correlation-user-id': 'u', 'call-chain-length': '4' }
    const producerBytes = fc.oneof(
      fc
        .dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 5,
        })
        .filter((o) => !Object.hasOwn(o, '__context__'))
        .chain((o) =>
          fc.constantFrom(JSON.stringify(o), JSON.stringify(o, null, 2), ` ${JSON.stringify(o)}\n`),
        )
        .map((text) => ({ bytes: Buffer.from(text, 'utf8'), json: true })),
      fc
        .string({ unit: 'grapheme', maxLength: 60 })
        .map((t) => ({ bytes: Buffer.from(t, 'utf8'), json: false })),
      fc.uint8Array({ maxLength: 60 }).map((a) => ({ bytes: Buffer.from(a), json: false })),
    )
    fc.assert(
      fc.property(producerBytes, ({ bytes, json }) => {
        const sent = json ? Buffer.from(wrapJson(bytes.toString('utf8'), ids), 'utf8') : bytes
        const raw = {
          eventSource: 'aws:kinesis',
          kinesis: { data: sent.toString('base64'), partitionKey: 'k' },
        }
        const { context, record } = extractFromRecord(raw, parent)
        expect(Buffer.from(record.kinesis.data, 'base64').equals(bytes)).toBe(true)
        expect(record.kinesis.partitionKey).toBe('k')
        if (json) {
          expect(context.ids).toEqual({ 'x-correlation-id': 'producer', 'x-correlation-user-id': 'u' })
          expect(context.callChainLength).toBe(5)
        } else {
          expect(record).toBe(raw)
          expect(context.ids).toEqual(parent.ids)
        }
      }),
      { numRuns: 3_000 },
    )
  })

  it('reads SNS to SQS with raw delivery on from the SQS attributes, off from the SNS envelope', () => {
    const off = load('snsSqsEvent.correlated.json')
    const on = load('snsSqsRawEvent.correlated.json')
    const parent = createContext({ ids: { 'x-correlation-id': 'parent' } })
    expect(extractFromRecord(off.Records[0], parent).context.ids['x-correlation-order-id']).toBe(
      'ORD-2024-000311',
    )
    expect(extractFromRecord(on.Records[0], parent).context.ids['x-correlation-user-id']).toBe(
      '6d5c4b3a-2918-4f7e-a6d5-c4b3a2918f7e',
    )
  })

  it('prefers SQS message attributes over the SNS envelope in the body', () => {
    const event = load('snsSqsEvent.correlated.json')
    const record = event.Records[0]
    record.messageAttributes = { 'x-correlation-id': { dataType: 'String', stringValue: 'from-sqs' } }
    const { context } = extractFromRecord(record, createContext())
    expect(context.ids).toEqual({ 'x-correlation-id': 'from-sqs' })
  })

  it('reads an EventBridge event delivered to SQS from detail.__context__', () => {
    const bus = load('eventBridgeEvent.correlated.json')
    const record = { ...load('sqsEvent.json').Records[0], body: JSON.stringify(bus) }
    const { context } = extractFromRecord(record, createContext())
    expect(context.ids).toEqual((expected['eventBridgeEvent.correlated.json'] as Found).ids)
  })

  it('gives DynamoDB records the invocation scope', () => {
    const parent = extractFromEvent(load('dynamoStreamEvent.json'), lambdaContext)
    for (const raw of load('dynamoStreamEvent.json').Records) {
      const { context } = extractFromRecord(raw, parent)
      expect(context).toMatchObject({ ids: parent.ids, source: 'dynamodb', parent })
      expect(context).not.toBe(parent)
    }
  })

  it.each([null, 5, 'record', [], {}])('gives the invocation scope to the record %j', (raw) => {
    const parent = createContext({ ids: { 'x-correlation-id': 'p' }, source: 'sqs' })
    const { context, record } = extractFromRecord(raw, parent)
    expect(record).toBe(raw)
    expect(context).toMatchObject({ ids: { 'x-correlation-id': 'p' }, source: 'sqs', parent })
  })
})

describe('dazn-lambda-powertools interop', () => {
  it('reads x-correlation-* headers written by the dazn HTTP client', () => {
    const event = load('apiGatewayProxyV2Event.json')
    Object.assign(event.headers, {
      'x-correlation-id': 'dazn-id',
      'x-correlation-user-id': 'dazn-user',
      'debug-log-enabled': 'true',
      'call-chain-length': '7',
    })
    expect(extractFromEvent(event, lambdaContext)).toMatchObject({
      ids: { 'x-correlation-id': 'dazn-id', 'x-correlation-user-id': 'dazn-user' },
      debug: true,
      callChainLength: 8,
    })
  })

  it('reads the numeric call-chain-length of a dazn envelope in an EventBridge detail', () => {
    const event = load('eventBridgeEvent.correlated.json')
    event.detail.__context__ = {
      awsRequestId: '7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910',
      'x-correlation-id': 'dazn-id',
      'debug-log-enabled': 'false',
      'call-chain-length': 2,
    }
    expect(extractFromEvent(event, lambdaContext)).toMatchObject({
      ids: { 'x-correlation-id': 'dazn-id' },
      callChainLength: 3,
    })
  })

  it('reads IDs from the Lambda client context of a direct invocation', () => {
    const ctx = extractFromEvent(
      { orderId: 1 },
      {
        ...lambdaContext,
        clientContext: { Custom: { 'x-correlation-id': 'cc-id', 'call-chain-length': '1' } },
      },
    )
    expect(ctx).toMatchObject({ source: 'direct', ids: { 'x-correlation-id': 'cc-id' }, callChainLength: 2 })
  })
})

describe('debug sampling', () => {
  const event = () => load('apiGatewayProxyV2Event.json')

  it('samples with the given rate and random source', () => {
    expect(extractFromEvent(event(), lambdaContext, { debugSampleRate: 0.5, random: () => 0.49 }).debug).toBe(
      true,
    )
    expect(extractFromEvent(event(), lambdaContext, { debugSampleRate: 0.5, random: () => 0.5 }).debug).toBe(
      false,
    )
    expect(extractFromEvent(event(), lambdaContext, { debugSampleRate: 1 }).debug).toBe(true)
    expect(extractFromEvent(event(), lambdaContext, { debugSampleRate: 0, random: () => 0 }).debug).toBe(
      false,
    )
    expect(extractFromEvent(event(), lambdaContext).debug).toBe(false)
  })

  it('samples about the given share of invocations', () => {
    let seed = 7
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    let sampled = 0
    for (let i = 0; i < 2_000; i++) {
      if (extractFromEvent({}, lambdaContext, { debugSampleRate: 0.1, random }).debug) sampled++
    }
    expect(sampled).toBeGreaterThan(140)
    expect(sampled).toBeLessThan(260)
  })

  it('follows an upstream decision instead of sampling', () => {
    const on = load('apiGatewayProxyEvent.correlated.json')
    const off = load('apiGatewayProxyV2Event.correlated.json')
    expect(extractFromEvent(on, lambdaContext, { debugSampleRate: 0, random: () => 0.99 }).debug).toBe(true)
    expect(extractFromEvent(off, lambdaContext, { debugSampleRate: 1, random: () => 0 }).debug).toBe(false)
  })
})

// Every node of a JSON document, as a path from the root.
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at)
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, Array.isArray(value) ? Number(k) : k], out)
  }
  return out
}
// Replaces one node of `doc`. Only nodes of the fixture's own clone are written to: a path that now runs
// through an earlier replacement is skipped, so fast-check's generated values are never modified.
function mutate(
  doc: unknown,
  owned: WeakSet<object>,
  path: (string | number)[],
  replacement: unknown,
): unknown {
  if (path.length === 0) return replacement
  let node = doc as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !owned.has(node)) return doc
    node = node[k] as Record<string | number, unknown>
  }
  if (node !== null && typeof node === 'object' && owned.has(node)) node[path[path.length - 1]!] = replacement
  return doc
}

const KNOWN_SOURCES = new Set(Object.values(sources).concat(['direct', 'unknown', 'http']))
function expectSane(ctx: CorrelationContext) {
  expect(KNOWN_SOURCES.has(ctx.source)).toBe(true)
  expect(ctx.ids['x-correlation-id']).toMatch(/^[\x20-\x7e]{1,256}$/)
  for (const v of Object.values(ctx.ids)) expect(v).toMatch(/^[\x20-\x7e]{1,256}$/)
  expect(Number.isSafeInteger(ctx.callChainLength) && ctx.callChainLength >= 1).toBe(true)
  if (ctx.traceHeader !== undefined) expect(ctx.traceHeader).toMatch(/^[\x20-\x7e]+$/)
}
function extractAll(event: unknown) {
  const ctx = extractFromEvent(event, lambdaContext)
  expectSane(ctx)
  const records = (event as { Records?: unknown } | null)?.Records
  if (Array.isArray(records)) for (const r of records) expectSane(extractFromRecord(r, ctx).context)
}

describe('malformed events', () => {
  it.each([
    null,
    undefined,
    0,
    Number.NaN,
    'event',
    [],
    [1, 2],
    { Records: 'x' },
    { Records: [] },
    { Records: [null] },
    { Records: [{ eventSource: 'aws:sqs' }, 5] },
    { Records: [{ eventSource: 'aws:sqs', messageAttributes: 5, body: 5, attributes: 'x' }] },
    { Records: [{ eventSource: 'aws:sqs', body: '{"TopicArn":1,"MessageAttributes":[1]}' }] },
    { Records: [{ eventSource: 'aws:sqs', body: '{"__context__":' }] },
    { Records: [{ EventSource: 'aws:sns', Sns: 'x' }] },
    { Records: [{ EventSource: 'aws:sns', Sns: { MessageAttributes: { 'x-correlation-id': null } } }] },
    { Records: [{ eventSource: 'aws:kinesis', kinesis: { data: 5 } }] },
    { Records: [{ eventSource: 'aws:kinesis', kinesis: { data: '!!!not base64' } }] },
    { headers: 5, requestContext: { http: {} } },
    { headers: null, multiValueHeaders: 'x', requestContext: { elb: {} } },
    {
      headers: { 'x-correlation-id': ['a', 'b'], 'X-Amzn-Trace-Id': [5] },
      httpMethod: 'GET',
      requestContext: {},
    },
    { requestContext: { http: 1, elb: null }, httpMethod: 5 },
    { 'detail-type': 'x', source: 'y', detail: 'not an object' },
    { 'detail-type': 'x', source: 'y', detail: { __context__: [1, 2] } },
    { awslogs: {} },
    { __context__: 'x', 'x-correlation-id': { toString: 1 } },
    Object.create(null),
    { constructor: 1, __proto__: null, toString: 'x', hasOwnProperty: 1 },
  ])('does not throw on %j', (event) => {
    extractAll(event)
  })

  it('does not throw on an event with a throwing getter', () => {
    const event = {
      get requestContext(): unknown {
        throw new Error('getter')
      },
    }
    expect(() => extractFromEvent(event, lambdaContext)).not.toThrow()
  })

  it('does not throw on a revoked proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(() => extractFromEvent(proxy, lambdaContext)).not.toThrow()
  })

  it('does not throw on anything (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 4,
          withNullPrototype: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withDate: true,
          withBigInt: true,
        }),
        extractAll,
      ),
      { numRuns: 10_000 },
    )
  })

  it('does not throw on event-shaped garbage (property)', () => {
    const key = fc.constantFrom(
      'Records',
      'requestContext',
      'headers',
      'multiValueHeaders',
      'http',
      'elb',
      'httpMethod',
      'domainName',
      'requestId',
      'eventSource',
      'EventSource',
      'Sns',
      'MessageAttributes',
      'messageAttributes',
      'attributes',
      'AWSTraceHeader',
      'body',
      'kinesis',
      'data',
      'detail',
      'detail-type',
      'source',
      'awslogs',
      '__context__',
      'x-correlation-id',
      'X-Amzn-Trace-Id',
      'call-chain-length',
      'debug-log-enabled',
      'sightline-ids',
      'Type',
      'Value',
      'dataType',
      'stringValue',
    )
    const leaf = fc.oneof(
      fc.constantFrom(
        'aws:sqs',
        'aws:sns',
        'aws:kinesis',
        'aws:dynamodb',
        'String',
        '.lambda-url.',
        'GET',
        'true',
      ),
      fc.constantFrom(
        '{"TopicArn":"t","MessageAttributes":{}}',
        '{"__context__":{"x-correlation-id":"a"}}',
        TRACE_A,
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.anything({ maxDepth: 1 }),
    )
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
      ),
    }))
    fc.assert(fc.property(fc.dictionary(key, tree, { maxKeys: 6 }), extractAll), { numRuns: 10_000 })
  })

  it('does not throw on mutated fixtures (property)', () => {
    const docs = fixtureNames.map((n) => ({ name: n, doc: load(n), paths: paths(load(n)) }))
    const mutation = fc.tuple(
      fc.nat(),
      fc.oneof(
        fc.anything({ maxDepth: 2, withNullPrototype: true, withBoxedValues: true }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constantFrom(null, undefined, 0, '', [], {}, 'aws:sqs', '{', '{"__context__":5}'),
      ),
    )
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        const picked = docs[which % docs.length]!
        let event: unknown = structuredClone(picked.doc)
        const owned = new WeakSet<object>()
        for (const p of picked.paths) {
          const node = p.reduce((n: any, k) => n[k], event)
          if (node !== null && typeof node === 'object') owned.add(node)
        }
        for (const [at, replacement] of mutations) {
          event = mutate(event, owned, picked.paths[at % picked.paths.length]!, replacement)
        }
        extractAll(event)
      }),
      { numRuns: 10_000 },
    )
  })
})
