import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis'
import type { Message } from '@aws-sdk/client-sqs'
import type { kinesisEvent, sqsEvent } from '@sightline/testing'
import { REGION } from './clients.js'

type SQSEvent = ReturnType<typeof sqsEvent>
type SQSMessageAttributes = SQSEvent['Records'][number]['messageAttributes']
type KinesisStreamEvent = ReturnType<typeof kinesisEvent>

/** The Lambda SQS event an event source mapping would build from messages ReceiveMessage returned. */
export function sqsEventFrom(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => {
      const messageAttributes: SQSMessageAttributes = {}
      for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
        messageAttributes[name] = {
          dataType: a.DataType ?? 'String',
          ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
          stringListValues: [],
          binaryListValues: [],
        }
      }
      const system = m.Attributes ?? {}
      return {
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
          SentTimestamp: system.SentTimestamp ?? String(Date.now()),
          SenderId: system.SenderId ?? 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          ...(system.AWSTraceHeader === undefined ? {} : { AWSTraceHeader: system.AWSTraceHeader }),
        },
        messageAttributes,
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: REGION,
      }
    }),
  }
}

/** The Lambda Kinesis event built from records GetRecords returned: the data base64, as Lambda gives it. */
export function kinesisEventFrom(records: readonly KinesisRecord[], streamArn: string): KinesisStreamEvent {
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
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: REGION,
      eventSourceARN: streamArn,
    })),
  }
}
