import { KinesisClient, ListStreamsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis'
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createContext, withContext } from '@sightline/correlation'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  instrument,
  instrumentedOperations,
  MIDDLEWARE_NAME,
  resetAwsClientDiagnostics,
  XRAY_HEADER_MIDDLEWARE_NAME,
  XRAY_MIDDLEWARE_NAME,
} from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { warningsOf } from './helpers/consumer.js'
import { type Recorder, startRecorder, startSqsRecorder } from './helpers/recorder.js'

let recorder: Recorder
beforeAll(async () => {
  recorder = await startSqsRecorder()
})
afterAll(() => recorder.close())
beforeEach(() => {
  recorder.requests.length = 0
  resetAwsClientDiagnostics()
})

const sentBody = (i = 0) => JSON.parse(recorder.requests[i]?.body ?? 'null')
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/q'

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

describe('instrument', () => {
  it('adds one named middleware at the serialize step, however many times it is called', () => {
    const client = new SQSClient(clientConfig(recorder.endpoint))
    expect(instrument(instrument(client))).toBe(client)
    const ours = client.middlewareStack.identify().filter((m) => m.startsWith(MIDDLEWARE_NAME))
    expect(ours).toEqual([`${MIDDLEWARE_NAME} - serialize`])
    client.destroy()
  })

  it('injects the IDs of the context active at send', async () => {
    const client = instrument(new SQSClient(clientConfig(recorder.endpoint)))
    await withContext(createContext({ ids: upstream, callChainLength: 2 }), () =>
      client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' })),
    )
    client.destroy()
    expect(sentBody().MessageAttributes).toEqual({
      'x-correlation-id': { DataType: 'String', StringValue: upstream['x-correlation-id'] },
      'x-correlation-user-id': { DataType: 'String', StringValue: upstream['x-correlation-user-id'] },
      'debug-log-enabled': { DataType: 'String', StringValue: 'false' },
      'call-chain-length': { DataType: 'String', StringValue: '2' },
    })
  })

  it('sends the request exactly as given outside a context', async () => {
    const client = instrument(new SQSClient(clientConfig(recorder.endpoint)))
    await client.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'b' }))
    client.destroy()
    expect(sentBody()).toEqual({ QueueUrl: QUEUE, MessageBody: 'b' })
  })

  it("never changes the caller's input objects (frozen inputs go through)", async () => {
    const input = deepFreeze({
      QueueUrl: QUEUE,
      Entries: [
        { Id: '1', MessageBody: 'a', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
        { Id: '2', MessageBody: 'b' },
      ],
    })
    const copy = structuredClone(input)
    const batchRecorder = await startRecorder(() => ({
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ Successful: [], Failed: [] }),
    }))
    const batchClient = instrument(new SQSClient(clientConfig(batchRecorder.endpoint)))
    await withContext(createContext({ ids: upstream }), () =>
      batchClient.send(new SendMessageBatchCommand(input)),
    )
    expect(input).toEqual(copy)
    const sent = JSON.parse(batchRecorder.requests[0]!.body)
    expect(Object.keys(sent.Entries[0].MessageAttributes)).toHaveLength(5)
    batchClient.destroy()
    await batchRecorder.close()
  })

  it('still sends the request, without IDs, when injecting fails, and says so once', async () => {
    const client = instrument(new SQSClient(clientConfig(recorder.endpoint)))
    // A fault only our code meets: the stamp withIds would have set cannot be read.
    const input = { QueueUrl: QUEUE, MessageBody: 'b' }
    Object.defineProperty(input, Symbol.for('sightline.aws-clients.ids.v1'), {
      get() {
        throw new Error('unreadable stamp')
      },
    })
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), async () => {
        await client.send(new SendMessageCommand(input))
        await client.send(new SendMessageCommand(input))
      }),
    )
    client.destroy()
    expect(recorder.requests.map((r) => JSON.parse(r.body))).toEqual([
      { QueueUrl: QUEUE, MessageBody: 'b' },
      { QueueUrl: QUEUE, MessageBody: 'b' },
    ])
    expect(warnings).toMatchObject([
      { reason: 'failed', operation: 'SendMessage', err: { message: 'unreadable stamp' } },
    ])
  })

  it('gives a client of another service the X-Ray middlewares only', () => {
    const added: unknown[] = []
    const client = {
      middlewareStack: {
        add: (_: unknown, options: { name: string; step: string }) =>
          void added.push([options.name, options.step]),
      },
      config: { serviceId: 'DynamoDB' },
    }
    expect(instrument(client)).toBe(client)
    expect(added).toEqual([
      [XRAY_MIDDLEWARE_NAME, 'initialize'],
      [XRAY_HEADER_MIDDLEWARE_NAME, 'build'],
    ])
  })

  it('refuses what is not an SDK v3 client, and options it cannot use', () => {
    const client = new KinesisClient(clientConfig(recorder.endpoint))
    const code = 'ERR_SIGHTLINE_INVALID_OPTION'
    expect(() => instrument({} as never)).toThrow(expect.objectContaining({ code }))
    expect(() => instrument(null as never)).toThrow(expect.objectContaining({ code }))
    expect(() => instrument(client, null as never)).toThrow(expect.objectContaining({ code }))
    expect(() => instrument(client, { logger: {} as never })).toThrow(
      expect.objectContaining({
        code,
        message: 'Expected `logger` to be a logger with a warn method, got an object',
      }),
    )
    client.destroy()
  })

  it('lists the operations it rewrites', () => {
    expect(instrumentedOperations).toEqual({
      SNS: ['Publish', 'PublishBatch'],
      SQS: ['SendMessage', 'SendMessageBatch'],
      Kinesis: ['PutRecord', 'PutRecords'],
      Firehose: ['PutRecord', 'PutRecordBatch'],
      EventBridge: ['PutEvents'],
      'CloudWatch Events': ['PutEvents'],
      Lambda: ['Invoke', 'InvokeWithResponseStream'],
      SFN: ['StartExecution', 'StartSyncExecution'],
    })
  })

  it('lets other operations of the client through untouched', async () => {
    const kinesisRecorder = await startRecorder(() => ({
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] }),
    }))
    const kinesis = instrument(new KinesisClient(clientConfig(kinesisRecorder.endpoint)))
    const data = new TextEncoder().encode('{"a":1}')
    await withContext(createContext({ ids: upstream }), async () => {
      await kinesis.send(
        new PutRecordsCommand({ StreamName: 's', Records: [{ Data: data, PartitionKey: 'p' }] }),
      )
      await kinesis.send(new ListStreamsCommand({})).catch(() => undefined)
    })
    kinesis.destroy()
    await kinesisRecorder.close()
    const [put, list] = kinesisRecorder.requests
    expect(Buffer.from(JSON.parse(put!.body).Records[0].Data, 'base64').toString()).toContain('__context__')
    expect(JSON.parse(list!.body)).toEqual({})
  })
})
