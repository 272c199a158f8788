import { createHash } from 'node:crypto'
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createContext, withContext } from '@sightline/correlation'
import { Bench } from 'tinybench'
import { report } from '../../../scripts/bench-report.js'
import { instrument } from '../src/index.js'

// A realistic context: an API call's IDs plus one set by the handler.
const context = createContext({
  ids: { 'x-correlation-id': 'c6af9ac6-7b61-11e6-9a41-93e812345678', 'x-correlation-user-id': 'user-42' },
  traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  callChainLength: 2,
})

type Handler = (args: { input: unknown }) => Promise<unknown>
type Middleware = (next: Handler, context: { commandName: string }) => Handler

/** Our middleware exactly as a client's stack gets it, resolved for one command, in front of `next`. */
function middlewareFor(serviceId: string, commandName: string, next: Handler): Handler {
  let added: Middleware | undefined
  instrument({
    middlewareStack: { add: (mw: Middleware) => void (added = mw) },
    config: { serviceId },
  } as never)
  return added!(next, { commandName })
}

const done: Handler = async (args) => args
const order = JSON.stringify({
  orderId: 'ORD-17',
  items: [{ sku: 'A-1', qty: 2 }],
  total: 12.5,
  note: 'x'.repeat(120),
})
const publish = {
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders',
  Message: order,
  MessageAttributes: {
    eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
    version: { DataType: 'Number', StringValue: '2' },
  },
}
const sqsBatch = {
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
  Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: order })),
}
const records = (n: number) => ({
  StreamName: 'orders',
  Records: Array.from({ length: n }, (_, i) => ({
    PartitionKey: `pk-${i}`,
    Data: new TextEncoder().encode(order),
  })),
})
const putRecords = records(100)
const binary = { StreamName: 'orders', PartitionKey: 'pk', Data: new Uint8Array(256).fill(7) }

const sns = middlewareFor('SNS', 'PublishCommand', done)
const sqs = middlewareFor('SQS', 'SendMessageBatchCommand', done)
const kinesis = middlewareFor('Kinesis', 'PutRecordsCommand', done)
const kinesisOne = middlewareFor('Kinesis', 'PutRecordCommand', done)

// The whole SDK stack (serialize, sign, deserialize, checksum) without a network: a canned answer.
const md5 = createHash('md5').update(order).digest('hex')
const answer = new TextEncoder().encode(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }))
const config = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestHandler: {
    handle: async () => ({
      response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: answer },
    }),
  },
}
const plainClient = new SQSClient(config as never)
const instrumentedClient = instrument(new SQSClient(config as never))
const send = { QueueUrl: sqsBatch.QueueUrl, MessageBody: order }

const micro = new Bench({ time: 1500, warmup: true })
micro
  .add('passthrough: next only', async () => {
    await done({ input: publish })
  })
  .add('SNS Publish (2 caller attributes)', async () => {
    await sns({ input: publish })
  })
  .add('SQS SendMessageBatch, 10 messages', async () => {
    await sqs({ input: sqsBatch })
  })
  .add('Kinesis PutRecords, 100 JSON records', async () => {
    await kinesis({ input: putRecords })
  })
  .add('Kinesis PutRecord, binary (left as is)', async () => {
    await kinesisOne({ input: binary })
  })

const stack = new Bench({ time: 1500, warmup: true })
stack
  .add('SQS SendMessage, plain client, no network', async () => {
    await plainClient.send(new SendMessageCommand(send))
  })
  .add('SQS SendMessage, instrumented client, no network', async () => {
    await instrumentedClient.send(new SendMessageCommand(send))
  })

await withContext(context, async () => {
  await micro.run()
  await stack.run()
})
report(micro, 'passthrough: next only')
const mean = (name: string): number => {
  const r = micro.tasks.find((t) => t.name === name)?.result as { latency?: { mean?: number } } | undefined
  return r?.latency?.mean ?? Number.NaN
}
const base = mean('passthrough: next only')
for (const [name, n] of [
  ['SNS Publish (2 caller attributes)', 1],
  ['SQS SendMessageBatch, 10 messages', 10],
  ['Kinesis PutRecords, 100 JSON records', 100],
] as const) {
  process.stderr.write(`per message, ${name}: ${(((mean(name) - base) * 1000) / n).toFixed(2)} µs\n`)
}
process.stderr.write('\n')
report(stack, 'SQS SendMessage, plain client, no network')
plainClient.destroy()
instrumentedClient.destroy()
