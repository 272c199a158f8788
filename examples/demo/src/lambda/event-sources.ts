import { gzipSync } from 'node:zlib'
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis'
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import { type Aws, REGION, STREAM } from '../aws/emulators.js'
import type { LogLine } from './local-lambda.js'

// What Lambda's event source mappings do: read a queue or a stream, build the batch event a function gets.

const POLL_LIMIT_MS = 20_000

/** Reads the queue until `expected` messages arrived (a standard queue hands them out in any grouping). */
export async function receiveMessages(aws: Aws, expected: number): Promise<Message[]> {
  const messages: Message[] = []
  const until = Date.now() + POLL_LIMIT_MS
  while (messages.length < expected && Date.now() < until) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    )
    messages.push(...Messages)
  }
  return messages
}

/** The SQS event Lambda builds from received messages; `AWSTraceHeader` as SNS's tracing would set it. */
export function sqsEvent(aws: Aws, messages: readonly Message[]) {
  return {
    Records: messages.map((m) => {
      const body = m.Body ?? ''
      const trace = aws.traceOf(snsMessageId(body) ?? '')
      const system = m.Attributes ?? {}
      return {
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body,
        attributes: {
          ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
          SentTimestamp: system.SentTimestamp ?? String(Date.now()),
          SenderId: system.SenderId ?? 'AIDADEMO',
          ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          ...(trace === undefined ? {} : { AWSTraceHeader: trace }),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
            name,
            {
              dataType: a.DataType ?? 'String',
              stringValue: a.StringValue,
              stringListValues: [],
              binaryListValues: [],
            },
          ]),
        ),
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: aws.queueArn,
        awsRegion: REGION,
      }
    }),
  }
}

function snsMessageId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { MessageId?: unknown }).MessageId
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/** Deletes what the function processed: every message except those it reported in batchItemFailures. */
export async function deleteProcessed(aws: Aws, messages: readonly Message[], failed: ReadonlySet<string>) {
  const Entries = messages
    .filter((m) => !failed.has(m.MessageId ?? ''))
    .map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }))
  if (Entries.length > 0)
    await aws.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: aws.queueUrl, Entries }))
}

/** Reads the stream's only shard from its start until `expected` records arrived. */
export async function readStream(aws: Aws, expected: number): Promise<KinesisRecord[]> {
  const { Shards = [] } = await aws.kinesis.send(new ListShardsCommand({ StreamName: STREAM }))
  let { ShardIterator } = await aws.kinesis.send(
    new GetShardIteratorCommand({
      StreamName: STREAM,
      ShardId: Shards[0]?.ShardId ?? 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  )
  const records: KinesisRecord[] = []
  const until = Date.now() + POLL_LIMIT_MS
  while (records.length < expected && ShardIterator !== undefined && Date.now() < until) {
    const out = await aws.kinesis.send(new GetRecordsCommand({ ShardIterator }))
    records.push(...(out.Records ?? []))
    ShardIterator = out.NextShardIterator
    if ((out.Records ?? []).length === 0) await new Promise((r) => setTimeout(r, 50))
  }
  return records
}

/** The Kinesis event Lambda builds: the data base64-encoded, an eventID per record. */
export function kinesisEvent(aws: Aws, records: readonly KinesisRecord[]) {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey ?? '',
        sequenceNumber: r.SequenceNumber ?? '',
        data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${r.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/add-to-feed',
      awsRegion: REGION,
      eventSourceARN: aws.streamArn,
    })),
  }
}

/**
 * A CloudWatch Logs subscription event for the lines of one log group that match the filter
 * `"MONITORING|"`, as CloudWatch Logs delivers it: base64 of the gzipped JSON batch.
 */
export function subscriptionEvent(logGroup: string, logStream: string, lines: readonly LogLine[]) {
  const logEvents = lines
    .filter((l) => l.message.includes('MONITORING|'))
    .map((l, i) => ({
      id: `${l.timestamp}${String(i).padStart(6, '0')}`,
      timestamp: l.timestamp,
      message: l.message,
    }))
  const data = {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup,
    logStream,
    subscriptionFilters: ['monitoring-lines'],
    logEvents,
  }
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } }
}
