import { createHash } from 'node:crypto'
import {
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type MessageAttributeValue as SnsAttribute,
} from '@aws-sdk/client-sns'
import {
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { createContext, withContext } from '@sightline/correlation'
import { wrap } from '@sightline/handler-wrapper'
import { apiGatewayV1Event, fakeContext } from '@sightline/testing'
import { type FauxqsServer, startFauxqs } from 'fauxqs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { instrument, resetAwsClientDiagnostics, withIds } from '../src/index.js'
import { clientConfig, REGION, upstream } from './helpers/clients.js'
import { consume, warningsOf } from './helpers/consumer.js'
import { sqsEventFrom } from './helpers/events.js'
import { type Recorder, startRecorder } from './helpers/recorder.js'

let fauxqs: FauxqsServer
let sns: SNSClient
let sqs: SQSClient
let plainSns: SNSClient
let topicArn: string
const queues: Record<string, { url: string; arn: string }> = {}

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false })
  topicArn = fauxqs.createTopic('orders', { region: REGION }).topicArn
  for (const name of ['raw', 'enveloped', 'direct', 'small']) {
    const attributes: Record<string, string> = name === 'small' ? { MaximumMessageSize: '262144' } : {}
    const q = fauxqs.createQueue(name, { region: REGION, attributes })
    queues[name] = { url: q.queueUrl, arn: q.queueArn }
  }
  fauxqs.subscribe({
    topic: 'orders',
    queue: 'raw',
    region: REGION,
    attributes: { RawMessageDelivery: 'true' },
  })
  fauxqs.subscribe({ topic: 'orders', queue: 'enveloped', region: REGION })
  sns = instrument(new SNSClient(clientConfig(fauxqs.address)))
  sqs = instrument(new SQSClient(clientConfig(fauxqs.address)))
  plainSns = new SNSClient(clientConfig(fauxqs.address))
})

afterAll(async () => {
  for (const c of [sns, sqs, plainSns]) c.destroy()
  await fauxqs.stop()
})

beforeEach(() => {
  fauxqs.reset()
  resetAwsClientDiagnostics()
})

/** Everything in the queue, with every attribute, as an event source mapping would read it. */
async function receive(queue: string, expected: number): Promise<Message[]> {
  const out: Message[] = []
  for (let i = 0; i < 5 && out.length < expected; i++) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues[queue]!.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        AttributeNames: ['All'],
      }),
    )
    out.push(...(r.Messages ?? []))
  }
  return out
}

function userAttributes(n: number): Record<string, SnsAttribute> {
  const attrs: Record<string, SnsAttribute> = {}
  for (let i = 0; i < n; i++) attrs[`attr${i}`] = { DataType: 'String', StringValue: `value-${i}` }
  return attrs
}

const producer = (publish: () => Promise<unknown>) =>
  wrap(async () => {
    await publish()
    return { statusCode: 202 }
  })

const invokeProducer = (publish: () => Promise<unknown>) =>
  producer(publish)(apiGatewayV1Event({ method: 'POST', correlation: upstream }), fakeContext())

const labelOf = (raw: boolean) => (record: { body: string }) =>
  (JSON.parse(raw ? record.body : JSON.parse(record.body).Message) as { n: number }).n

describe('SNS → SQS through fauxqs', () => {
  it.each([
    { raw: true, queue: 'raw' },
    { raw: false, queue: 'enveloped' },
  ])(
    'delivers every message and the IDs whenever there is room (raw delivery: $raw)',
    async ({ raw, queue }) => {
      const counts = [0, 8, 9, 10]
      const warnings = await warningsOf(() =>
        invokeProducer(async () => {
          for (const n of counts) {
            await sns.send(
              new PublishCommand({
                TopicArn: topicArn,
                Message: JSON.stringify({ n }),
                MessageAttributes: userAttributes(n),
              }),
            )
          }
        }),
      )
      const messages = await receive(queue, counts.length)
      expect(messages).toHaveLength(counts.length)
      if (raw) {
        // What AWS needs to deliver a raw message at all: at most 10 attributes.
        for (const m of messages)
          expect(Object.keys(m.MessageAttributes ?? {}).length).toBeLessThanOrEqual(10)
        const withTen = messages.find((m) => JSON.parse(m.Body!).n === 10)
        expect(withTen?.MessageAttributes).toEqual(userAttributes(10))
      }
      const { lines } = await consume(sqsEventFrom(messages, queues[queue]!.arn), labelOf(raw))
      expect(lines.map((l) => l.label as number).sort((a, b) => a - b)).toEqual(counts)
      for (const line of lines) {
        if (line.label === 10) expect(line['x-correlation-id']).not.toBe(upstream['x-correlation-id'])
        else expect(line).toMatchObject(upstream)
      }
      expect(warnings).toMatchObject([{ reason: 'attributes-full', operation: 'Publish' }])
    },
  )

  it('packs the IDs next to x-correlation-id, or alone, when the caller leaves 2 slots or 1', async () => {
    await withContext(createContext({ ids: upstream }), async () => {
      await sns.send(
        new PublishCommand({ TopicArn: topicArn, Message: '{"n":8}', MessageAttributes: userAttributes(8) }),
      )
      await sns.send(
        new PublishCommand({ TopicArn: topicArn, Message: '{"n":9}', MessageAttributes: userAttributes(9) }),
      )
    })
    const byN = Object.fromEntries(
      (await receive('raw', 2)).map((m) => [JSON.parse(m.Body!).n, m.MessageAttributes]),
    )
    expect(Object.keys(byN[8]!).sort()).toEqual(
      [...Object.keys(userAttributes(8)), 'sightline-ids', 'x-correlation-id'].sort(),
    )
    expect(Object.keys(byN[9]!).sort()).toEqual([...Object.keys(userAttributes(9)), 'sightline-ids'].sort())
    expect(JSON.parse(byN[9]!['sightline-ids']!.StringValue!)).toEqual({
      ...upstream,
      'debug-log-enabled': 'false',
      'call-chain-length': '1',
    })
  })

  it('replaces the caller’s own Sightline attributes instead of counting them twice', async () => {
    const attrs = {
      ...userAttributes(7),
      'X-Correlation-Id': { DataType: 'String', StringValue: 'stale-id' },
      'x-correlation-order-id': { DataType: 'String', StringValue: 'ORD-5' },
      'call-chain-length': { DataType: 'String', StringValue: '7' },
    }
    const given = structuredClone(attrs)
    await withContext(createContext({ ids: upstream }), () =>
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"n":1}', MessageAttributes: attrs })),
    )
    expect(attrs).toEqual(given) // the caller's objects are untouched
    const [m] = await receive('raw', 1)
    expect(Object.keys(m!.MessageAttributes!)).toHaveLength(9)
    const { lines } = await consume(sqsEventFrom([m!], queues.raw!.arn), labelOf(true))
    expect(lines[0]).toMatchObject({ ...upstream, 'x-correlation-order-id': 'ORD-5' })
  })

  it('gives each PublishBatch entry the IDs it was stamped with, within the limits', async () => {
    const entries = ['a', 'b', 'c'].map((id) =>
      withContext(createContext({ ids: { 'x-correlation-id': `record-${id}` } }), () =>
        withIds({
          Id: id,
          Message: JSON.stringify({ n: id }),
          MessageAttributes: userAttributes(id === 'c' ? 10 : 0),
        }),
      ),
    )
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), () =>
        sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries })),
      ),
    )
    const messages = await receive('raw', 3)
    const { lines } = await consume(sqsEventFrom(messages, queues.raw!.arn), labelOf(true))
    const idOf = (n: string) => lines.find((l) => l.label === n)?.['x-correlation-id']
    expect([idOf('a'), idOf('b')]).toEqual(['record-a', 'record-b'])
    expect(idOf('c')).not.toMatch(/^record-|^corr-/)
    expect(warnings).toHaveLength(1)
  })

  // Consuming-side gap: @sightline/correlation reads an SQS body as the SNS envelope only up to 300,000
  // characters, but escaping makes the envelope of a 256 KiB message longer than that (each `"` of the
  // message becomes `\"`). Fails until the patch in the README's "Known gaps" lands; then drop `.fails`.
  it('reads the IDs of a large enveloped message (SNS envelope past 300,000 characters)', async () => {
    const message = JSON.stringify({ n: 1, items: Array.from({ length: 60_000 }, () => 'a') }) // 240 KB
    await withContext(createContext({ ids: upstream }), () =>
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: message })),
    )
    const [m] = await receive('enveloped', 1)
    expect(m!.Body!.length).toBeGreaterThan(300_000)
    const { lines } = await consume(sqsEventFrom([m!], queues.enveloped!.arn), () => 1)
    expect(lines[0]).toMatchObject(upstream)
  })

  it('understands a message published the way dazn-lambda-powertools does (one attribute per key)', async () => {
    await plainSns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: '{"n":1}',
        MessageAttributes: {
          'x-correlation-id': { DataType: 'String', StringValue: 'dazn-corr' },
          'x-correlation-user-id': { DataType: 'String', StringValue: 'dazn-user' },
          'debug-log-enabled': { DataType: 'String', StringValue: 'true' },
          'call-chain-length': { DataType: 'String', StringValue: '4' },
        },
      }),
    )
    for (const [queue, raw] of [
      ['raw', true],
      ['enveloped', false],
    ] as const) {
      const { lines } = await consume(sqsEventFrom(await receive(queue, 1), queues[queue]!.arn), labelOf(raw))
      expect(lines[0]).toMatchObject({
        'x-correlation-id': 'dazn-corr',
        'x-correlation-user-id': 'dazn-user',
        'debug-log-enabled': true,
      })
    }
  })
})

describe('SQS through fauxqs', () => {
  it('forwards only the safe IDs of a request that came with malicious ones, and the send succeeds', async () => {
    const handler = wrap(async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.direct!.url, MessageBody: '{"n":1}' }))
    })
    const headers = {
      'X-Correlation-Id': 'good-id',
      'X-Correlation-Evil': 'a\r\nSet-Cookie: x=1',
      'X-Correlation-Long': 'l'.repeat(300),
      'X-Correlation-Ünï': 'v',
      'Call-Chain-Length': '99999999',
    }
    await handler(apiGatewayV1Event({ headers }), fakeContext())
    const [m] = await receive('direct', 1)
    expect(m?.MessageAttributes).toEqual({
      'x-correlation-id': { DataType: 'String', StringValue: 'good-id' },
      'debug-log-enabled': { DataType: 'String', StringValue: 'false' },
      'call-chain-length': { DataType: 'String', StringValue: '1' },
    })
  })

  it('packs an ID whose name SQS would refuse as an attribute name', async () => {
    await withContext(createContext({ ids: { ...upstream, 'x-correlation-a..b.': 'v' } }), () =>
      sqs.send(new SendMessageCommand({ QueueUrl: queues.direct!.url, MessageBody: '{"n":1}' })),
    )
    const [m] = await receive('direct', 1)
    expect(Object.keys(m?.MessageAttributes ?? {}).sort()).toEqual(['sightline-ids', 'x-correlation-id'])
    const { lines } = await consume(sqsEventFrom([m!], queues.direct!.arn), () => 1)
    expect(lines[0]).toMatchObject({ ...upstream, 'x-correlation-a..b.': 'v' })
  })

  it('delivers a message at the size limit without IDs rather than have it refused', async () => {
    const body = 'x'.repeat(262_144 - 100) // the IDs take 124 bytes here
    const warnings = await warningsOf(() =>
      withContext(createContext({ ids: upstream }), async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.small!.url, MessageBody: body }))
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.small!.url, MessageBody: '{"n":2}' }))
      }),
    )
    const messages = await receive('small', 2)
    expect(messages.map((m) => m.Body?.length)).toEqual(expect.arrayContaining([7, body.length]))
    const big = messages.find((m) => m.Body === body)
    const small = messages.find((m) => m.Body === '{"n":2}')
    expect(big?.MessageAttributes).toBeUndefined()
    expect(small?.MessageAttributes?.['x-correlation-id']?.StringValue).toBe(upstream['x-correlation-id'])
    expect(warnings).toMatchObject([{ reason: 'too-large', operation: 'SendMessage' }])
  })

  it('keeps a SendMessageBatch within 256 KiB in all: IDs go on the entries that still fit', async () => {
    // Alone, either message has room for the IDs; together, only the first does.
    const big = 'y'.repeat(262_144 - '{"n":1}'.length - 150)
    await withContext(createContext({ ids: upstream }), () =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.direct!.url,
          Entries: [
            { Id: 'small', MessageBody: '{"n":1}' },
            { Id: 'big', MessageBody: big },
          ],
        }),
      ),
    )
    const messages = await receive('direct', 2)
    const attrsOf = (body: string) => messages.find((m) => m.Body === body)?.MessageAttributes
    expect(attrsOf('{"n":1}')?.['x-correlation-id']?.StringValue).toBe(upstream['x-correlation-id'])
    expect(attrsOf(big)).toBeUndefined()
  })

  it('passes the message body checksum check of the SDK (our attributes do not touch the body)', async () => {
    await withContext(createContext({ ids: upstream }), () =>
      expect(
        sqs.send(new SendMessageCommand({ QueueUrl: queues.direct!.url, MessageBody: 'héllo' })),
      ).resolves.toMatchObject({ MD5OfMessageBody: createHash('md5').update('héllo').digest('hex') }),
    )
  })
})

describe('SQS trace header', () => {
  let recorder: Recorder
  beforeAll(async () => {
    recorder = await startRecorder((req) => {
      const body = JSON.parse(req.body) as { MessageBody: string }
      return {
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({
          MessageId: 'm-1',
          MD5OfMessageBody: createHash('md5').update(body.MessageBody).digest('hex'),
        }),
      }
    })
  })
  afterAll(() => recorder.close())

  it('sends the trace header as the AWSTraceHeader system attribute, unless the caller set one', async () => {
    const client = instrument(new SQSClient(clientConfig(recorder.endpoint)))
    const traceHeader =
      'Self=1-67891234-abcdef012345678912345678;Root=1-5759e988-bd862e3fe1be46a994272793;' +
      'Parent=53995c3f42cd8ad8;Sampled=1;Lineage=10:1234abcd:3;Future=x'
    await withContext(createContext({ ids: upstream, traceHeader }), async () => {
      await client.send(new SendMessageCommand({ QueueUrl: 'https://q/1/a', MessageBody: 'a' }))
      await client.send(
        new SendMessageCommand({
          QueueUrl: 'https://q/1/a',
          MessageBody: 'b',
          MessageSystemAttributes: {
            AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-00000000-000000000000000000000000' },
          },
        }),
      )
    })
    client.destroy()
    const [first, second] = recorder.requests.map((r) => JSON.parse(r.body))
    expect(first.MessageSystemAttributes).toEqual({
      AWSTraceHeader: {
        DataType: 'String',
        StringValue:
          'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=10:1234abcd:3',
      },
    })
    expect(second.MessageSystemAttributes.AWSTraceHeader.StringValue).toBe(
      'Root=1-00000000-000000000000000000000000',
    )
    expect(Object.keys(first.MessageAttributes)).toEqual([
      'x-correlation-id',
      'x-correlation-user-id',
      'debug-log-enabled',
      'call-chain-length',
    ])
  })
})
