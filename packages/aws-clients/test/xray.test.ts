import { KinesisClient, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis'
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createContext, withContext } from '@sightline/correlation'
import { disableTracing, enableTracing } from '@sightline/xray'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeDaemon, fakeDaemon } from '../../../tools/test-helpers/xray-daemon.js'
import { getAwsClientDiagnostics, instrument, resetAwsClientDiagnostics } from '../src/index.js'
import { clientConfig, REGION } from './helpers/clients.js'
import { warningsOf } from './helpers/consumer.js'
import { type Recorder, startRecorder, startSqsRecorder } from './helpers/recorder.js'

// The real tracer (@sightline/xray, a devDependency only) sending to a UDP listener playing the daemon.
let daemon: FakeDaemon
let docs: FakeDaemon['documents']
const until = (check: () => boolean) => daemon.waitFor(check)
const ROOT = '1-5759e988-bd862e3fe1be46a994272793'
const PARENT = '53995c3f42cd8ad8'
const ctx = (sampled: 0 | 1) =>
  createContext({
    ids: { 'x-correlation-id': 'x-1' },
    traceHeader: `Root=${ROOT};Parent=${PARENT};Sampled=${sampled}`,
    source: 'sqs',
  })
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/q'

let sqs: Recorder
// A Kinesis endpoint that throttles every call (JSON 1.1 protocol).
let throttling: Recorder
beforeAll(async () => {
  sqs = await startSqsRecorder()
  throttling = await startRecorder(() => ({
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-throttled' },
    body: JSON.stringify({ __type: 'LimitExceededException', message: 'Rate exceeded' }),
  }))
  daemon = await fakeDaemon()
  docs = daemon.documents
  enableTracing({ enabled: true, daemonAddress: daemon.address })
})
afterAll(async () => {
  await disableTracing()
  await daemon.close()
  await sqs.close()
  await throttling.close()
})
beforeEach(() => {
  docs.length = 0
  sqs.requests.length = 0
  throttling.requests.length = 0
  resetAwsClientDiagnostics()
})

describe('instrument() with @sightline/xray tracing on', () => {
  it('sends one subsegment per call, its id as Parent in the request header', async () => {
    const client = instrument(new SQSClient(clientConfig(sqs.endpoint)))
    const out = await withContext(ctx(1), () =>
      client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' })),
    )
    client.destroy()
    await until(() => docs.length === 1)
    expect(docs[0]).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: PARENT,
      name: 'SQS',
      namespace: 'aws',
      aws: { operation: 'SendMessage', region: REGION },
      http: { response: { status: 200 } },
      annotations: { correlation_id: 'x-1' },
    })
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(sqs.requests[0]!.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${docs[0]!.id};Sampled=1`)
  })

  it('traces an operation that carries no IDs, with a throttle, the request id and the retries', async () => {
    const client = instrument(new KinesisClient({ ...clientConfig(throttling.endpoint), maxAttempts: 2 }))
    const error = await withContext(ctx(1), () =>
      client.send(new ListStreamsCommand({})).catch((e: unknown) => e),
    )
    client.destroy()
    expect(error).toMatchObject({ name: 'LimitExceededException' })
    await until(() => docs.length === 1)
    expect(docs[0]).toMatchObject({
      name: 'Kinesis',
      aws: { operation: 'ListStreams', request_id: 'req-throttled', retries: 1 },
      http: { response: { status: 400 } },
      error: true,
      throttle: true,
      cause: { exceptions: [{ type: 'LimitExceededException', message: 'Rate exceeded', remote: true }] },
    })
    expect(docs[0]).not.toHaveProperty('fault')
    // Both attempts carried the one subsegment's header.
    expect(throttling.requests.map((r) => r.headers['x-amzn-trace-id'])).toEqual([
      `Root=${ROOT};Parent=${docs[0]!.id};Sampled=1`,
      `Root=${ROOT};Parent=${docs[0]!.id};Sampled=1`,
    ])
  })

  it('names the call in message-level trace fields too: SQS AWSTraceHeader, the Kinesis envelope', async () => {
    const kinesisRecorder = await startRecorder(() => ({
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ SequenceNumber: '1', ShardId: 'shardId-000000000000' }),
    }))
    const sqsClient = instrument(new SQSClient(clientConfig(sqs.endpoint)))
    const kinesis = instrument(new KinesisClient(clientConfig(kinesisRecorder.endpoint)))
    await withContext(ctx(1), async () => {
      await sqsClient.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' }))
      await kinesis.send(
        new PutRecordCommand({
          StreamName: 's',
          PartitionKey: 'k',
          Data: new TextEncoder().encode('{"a":1}'),
        }),
      )
    })
    sqsClient.destroy()
    kinesis.destroy()
    await until(() => docs.length === 2)
    const idOf = (name: string) => docs.find((d) => d.name === name)!.id
    const sent = JSON.parse(sqs.requests[0]!.body)
    expect(sent.MessageSystemAttributes.AWSTraceHeader).toEqual({
      DataType: 'String',
      StringValue: `Root=${ROOT};Parent=${idOf('SQS')};Sampled=1`,
    })
    expect(sqs.requests[0]!.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${idOf('SQS')};Sampled=1`)
    const record = JSON.parse(
      Buffer.from(JSON.parse(kinesisRecorder.requests[0]!.body).Data, 'base64').toString(),
    )
    expect(record.__context__['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${idOf('Kinesis')};Sampled=1`)
    expect(record.a).toBe(1)
    await kinesisRecorder.close()
  })

  it('sends nothing for an unsampled invocation and forwards its header', async () => {
    const client = instrument(new SQSClient(clientConfig(sqs.endpoint)))
    await withContext(ctx(0), () =>
      client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' })),
    )
    await withContext(ctx(1), () =>
      client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'marker' })),
    )
    client.destroy()
    await until(() => docs.length === 1)
    expect(sqs.requests[0]!.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${PARENT};Sampled=0`)
    expect(docs).toHaveLength(1)
  })

  it('sends the request untraced when the tracer throws, and warns once', async () => {
    const key = Symbol.for('sightline.xray.v1')
    const g = globalThis as Record<symbol, unknown>
    const real = g[key]
    g[key] = {
      startCall: () => {
        throw new Error('tracer broke')
      },
    }
    const client = instrument(new SQSClient(clientConfig(sqs.endpoint)))
    try {
      const warnings = await warningsOf(() =>
        withContext(ctx(1), () => client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' }))),
      )
      expect(warnings).toMatchObject([{ reason: 'trace-failed', operation: 'SendMessage' }])
    } finally {
      g[key] = real
      client.destroy()
    }
    expect(sqs.requests).toHaveLength(1)
    expect(getAwsClientDiagnostics()['trace-failed']).toBe(1)
  })
})
