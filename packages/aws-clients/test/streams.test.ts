import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import {
  FirehoseClient,
  PutRecordCommand as FirehosePut,
  PutRecordBatchCommand,
} from '@aws-sdk/client-firehose'
import {
  type _Record,
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis'
import { createContext, extractFromRecord, withContext } from '@sightline/correlation'
import { processBatch, wrap } from '@sightline/handler-wrapper'
import { logger } from '@sightline/logger'
import { apiGatewayV1Event, captureLogs, fakeContext } from '@sightline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { instrument, resetAwsClientDiagnostics } from '../src/index.js'
import { clientConfig, upstream } from './helpers/clients.js'
import { kinesisEventFrom } from './helpers/events.js'
import { type Recorder, startRecorder } from './helpers/recorder.js'

const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: {
  createStreamMs: number
}) => Server

const STREAM = 'orders'
const STREAM_ARN = `arn:aws:kinesis:eu-west-1:000000000000:stream/${STREAM}`
const bytes = (s: string) => new TextEncoder().encode(s)

let server: Server
let plain: KinesisClient
let shardId: string
let iterator: string | undefined

beforeAll(async () => {
  // In memory (no leveldown): the native store is never built here.
  server = kinesalite({ createStreamMs: 0 })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  plain = new KinesisClient(clientConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  await plain.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }))
  let status: string | undefined
  do {
    const d = await plain.send(new DescribeStreamCommand({ StreamName: STREAM }))
    status = d.StreamDescription?.StreamStatus
    shardId = d.StreamDescription?.Shards?.[0]?.ShardId ?? ''
  } while (status !== 'ACTIVE')
  const it = await plain.send(
    new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'LATEST' }),
  )
  iterator = it.ShardIterator
})

afterAll(async () => {
  plain.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** Everything put since the last call, read back from the stream. */
async function readBack(): Promise<_Record[]> {
  const out = await plain.send(new GetRecordsCommand({ ShardIterator: iterator }))
  iterator = out.NextShardIterator
  return out.Records ?? []
}

function instrumented(): KinesisClient {
  return instrument(
    new KinesisClient(clientConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  )
}

describe('Kinesis through kinesalite', () => {
  it("carries the producer's IDs to every JSON record's log lines, and hands over the original bytes", async () => {
    const kinesis = instrumented()
    const payloads: Array<Uint8Array | string> = [
      bytes('{"orderId":"ORD-1","note":"crème brûlée ✓"}'),
      bytes('  \n{ "orderId" : "ORD-2" }\n'),
      '{"orderId":"ORD-3"}',
      bytes('[1,2,3]'),
      bytes('plain text, not JSON'),
      new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x22, 0x7d]), // starts like JSON, is not UTF-8
      new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00]), // gzip
    ]
    const producer = wrap(async () => {
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          // The SDK's types say bytes; at run time it also takes a string (sent as UTF-8), and users do.
          Records: payloads.map((Data, i) => ({ Data: Data as Uint8Array, PartitionKey: `pk-${i}` })),
        }),
      )
      return { statusCode: 202 }
    })
    await producer(apiGatewayV1Event({ method: 'POST', correlation: upstream }), fakeContext())
    const stored = await readBack()
    expect(stored).toHaveLength(payloads.length)

    const seen: Buffer[] = []
    const consumer = wrap(async (event: { Records: unknown[] }) =>
      processBatch(event, async (record: { kinesis: { data: string } }, index) => {
        seen[index] = Buffer.from(record.kinesis.data, 'base64')
        logger.info({ index }, 'record processed')
      }),
    )
    const logs = captureLogs()
    try {
      await consumer(kinesisEventFrom(stored, STREAM_ARN), fakeContext({ functionName: 'consumer' }))
    } finally {
      logs.restore()
    }
    const original = payloads.map((p) => Buffer.from(typeof p === 'string' ? bytes(p) : p))
    expect(seen).toEqual(original)
    const lines = logs.filter((r) => r.msg === 'record processed')
    expect(lines).toHaveLength(payloads.length)
    for (const index of [0, 1, 2]) {
      expect(lines.find((l) => l.index === index)).toMatchObject({
        ...upstream,
        'x-correlation-id': 'corr-from-api-17',
      })
    }
  })

  it('stores the envelope as the first member and leaves every other payload byte for byte as given', async () => {
    const kinesis = instrumented()
    const binary = new Uint8Array(256).map((_, i) => i)
    await withContext(createContext({ ids: upstream, callChainLength: 3 }), () =>
      Promise.all([
        kinesis.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: 'a', Data: bytes('{"a":1}') })),
        kinesis.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: 'b', Data: binary })),
      ]),
    )
    const stored = await readBack()
    const byKey = Object.fromEntries(stored.map((r) => [r.PartitionKey, Buffer.from(r.Data!)]))
    expect(byKey.a?.toString('utf8')).toBe(
      '{"__context__":{"x-correlation-id":"corr-from-api-17","x-correlation-user-id":"user-42",' +
        '"debug-log-enabled":"false","call-chain-length":"3"},"a":1}',
    )
    expect(byKey.b).toEqual(Buffer.from(binary))
  })

  it("carries the producer's trace header in the envelope, so each record's lines carry its Root", async () => {
    const kinesis = instrumented()
    const producerTrace = (n: number) =>
      `Self=1-67891234-12456789abcdef012345678${n};Root=1-5759e988-bd862e3fe1be46a99427279${n};Parent=53995c3f42cd8ad${n};Sampled=1`
    for (const n of [1, 2]) {
      await withContext(
        createContext({ ids: { 'x-correlation-id': `req-${n}` }, traceHeader: producerTrace(n) }),
        () =>
          kinesis.send(
            new PutRecordCommand({ StreamName: STREAM, PartitionKey: `p${n}`, Data: bytes(`{"n":${n}}`) }),
          ),
      )
    }
    const stored = await readBack()
    const first = JSON.parse(Buffer.from(stored[0]!.Data!).toString('utf8'))
    // The known keys only: ALB's Self is not forwarded.
    expect(first.__context__['x-amzn-trace-id']).toBe(
      'Root=1-5759e988-bd862e3fe1be46a994272791;Parent=53995c3f42cd8ad1;Sampled=1',
    )
    const consumer = wrap(async (event: { Records: unknown[] }) =>
      processBatch(event, async (record: { kinesis: { data: string } }) => {
        logger.info({ data: Buffer.from(record.kinesis.data, 'base64').toString('utf8') }, 'record processed')
      }),
    )
    const logs = captureLogs()
    try {
      await consumer(kinesisEventFrom(stored, STREAM_ARN), fakeContext({ functionName: 'consumer' }))
    } finally {
      logs.restore()
    }
    expect(logs.filter((r) => r.msg === 'record processed')).toMatchObject([
      { data: '{"n":1}', 'x-correlation-id': 'req-1', traceId: '1-5759e988-bd862e3fe1be46a994272791' },
      { data: '{"n":2}', 'x-correlation-id': 'req-2', traceId: '1-5759e988-bd862e3fe1be46a994272792' },
    ])
  })

  it('leaves a record that would pass 1 MiB with the envelope unchanged, and it is accepted', async () => {
    resetAwsClientDiagnostics()
    const kinesis = instrumented()
    const pad = 1_048_576 - 1 - '{"p":""}'.length // partition key 'k' counts against the record's 1 MiB
    const data = bytes(`{"p":"${'x'.repeat(pad)}"}`)
    const logs = captureLogs()
    try {
      await withContext(createContext({ ids: upstream }), () =>
        kinesis.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: 'k', Data: data })),
      )
    } finally {
      logs.restore()
    }
    const [stored] = await readBack()
    expect(digest(stored!.Data!)).toBe(digest(data)) // a digest: comparing 1 MiB element by element is slow
    expect(logs.byLevel('warn')).toMatchObject([{ reason: 'too-large', operation: 'PutRecord' }])
  })

  it('reads a record published the way dazn-lambda-powertools does (__context__ last, numbers)', async () => {
    const data = { orderId: 'ORD-9', __context__: { 'x-correlation-id': 'dazn-1', 'call-chain-length': 2 } }
    await plain.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: [
          { PartitionKey: 'd', Data: bytes(JSON.stringify(data)) },
          { PartitionKey: 'e', Data: bytes('{"orderId":"ORD-10"}') },
        ],
      }),
    )
    const event = kinesisEventFrom(await readBack(), STREAM_ARN)
    const parent = createContext({ awsRequestId: 'consumer-req' })
    const { context, record } = extractFromRecord(event.Records[0], parent)
    expect(context.ids['x-correlation-id']).toBe('dazn-1')
    expect(context.callChainLength).toBe(3)
    expect(JSON.parse(Buffer.from(record!.kinesis.data, 'base64').toString())).toEqual({ orderId: 'ORD-9' })
  })
})

describe('Firehose', () => {
  let recorder: Recorder
  beforeAll(async () => {
    recorder = await startRecorder((req) => ({
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body:
        req.target === 'Firehose_20150804.PutRecordBatch'
          ? JSON.stringify({ FailedPutCount: 0, Encrypted: false, RequestResponses: [{ RecordId: '1' }] })
          : JSON.stringify({ RecordId: '1', Encrypted: false }),
    }))
  })
  afterAll(() => recorder.close())

  it('sends JSON records with the envelope and other records unchanged, base64 on the wire', async () => {
    const firehose = instrument(new FirehoseClient(clientConfig(recorder.endpoint)))
    await withContext(createContext({ ids: upstream }), async () => {
      await firehose.send(new FirehosePut({ DeliveryStreamName: 'ds', Record: { Data: bytes('{"n":1}\n') } }))
      await firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'ds',
          Records: [{ Data: bytes('{"n":2}\n') }, { Data: bytes('n=3\n') }],
        }),
      )
    })
    firehose.destroy()
    const [single, batch] = recorder.requests.map((r) => JSON.parse(r.body))
    const decode = (d: string) => Buffer.from(d, 'base64').toString('utf8')
    const prefix = '{"__context__":{"x-correlation-id":"corr-from-api-17","x-correlation-user-id":"user-42",'
    expect(decode(single.Record.Data)).toMatch(new RegExp(`^${escapeRegExp(prefix)}.*\\},"n":1\\}\\n$`))
    expect(decode(batch.Records[0].Data)).toMatch(new RegExp(`^${escapeRegExp(prefix)}.*\\},"n":2\\}\\n$`))
    expect(decode(batch.Records[1].Data)).toBe('n=3\n')
  })
})

function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
