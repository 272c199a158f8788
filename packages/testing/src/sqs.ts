import { createHash, randomBytes } from 'node:crypto'
import type { SQSEvent, SQSRecord } from 'aws-lambda'
import { type Attributes, mergeAttributes, type SqsAttribute, sqsAttributes } from './attributes.js'
import { ACCOUNT_ID, REGION, toText, uuid } from './defaults.js'
import { DEFAULT_TOPIC_ARN, type SnsMessageInput, snsEnvelope } from './sns.js'

export interface SqsRecordInput {
  /** A string is sent as is; anything else as JSON. */
  body: unknown
  /** String message attributes, converted to `{ dataType: 'String', stringValue }`. */
  attributes?: Attributes
  /** `attributes.AWSTraceHeader`, as SQS sets it when the sender was traced. */
  traceHeader?: string
  /** Correlation IDs for this record, over the builder's `correlation`. */
  correlation?: Attributes
  messageId?: string
}

export interface SqsEventOptions {
  records: readonly SqsRecordInput[]
  queueArn?: string
  /** Correlation IDs sent as message attributes on every record. */
  correlation?: Attributes
  /** Trace header for every record that does not give its own. */
  traceHeader?: string
}

export const DEFAULT_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:my-queue`

/** An SQS event, one record per input. */
export function sqsEvent({
  records,
  queueArn = DEFAULT_QUEUE_ARN,
  correlation,
  traceHeader,
}: SqsEventOptions): SQSEvent {
  return {
    Records: records.map((r) =>
      sqsRecord({
        body: toText(r.body),
        attributes: mergeAttributes(correlation, r.correlation, r.attributes),
        traceHeader: r.traceHeader ?? traceHeader,
        messageId: r.messageId,
        queueArn,
      }),
    ),
  }
}

export interface SnsSqsRecordInput extends SnsMessageInput {
  /** `attributes.AWSTraceHeader` of the SQS record (SNS passes it on when it is traced). */
  traceHeader?: string
}

export interface SnsSqsEventOptions {
  /** The subscription's raw message delivery. Off: the SNS envelope JSON is the body. */
  raw: boolean
  records: readonly SnsSqsRecordInput[]
  topicArn?: string
  queueArn?: string
  /** Correlation IDs published as SNS message attributes on every message. */
  correlation?: Attributes
  traceHeader?: string
}

/**
 * An SQS event fed by an SNS subscription. Raw delivery off: the body is the SNS envelope, whose
 * `MessageAttributes` (`{ Type, Value }`) hold the attributes. On: the body is the message and the
 * attributes are SQS message attributes.
 */
export function snsSqsEvent({
  raw,
  records,
  topicArn = DEFAULT_TOPIC_ARN,
  queueArn = DEFAULT_QUEUE_ARN,
  correlation,
  traceHeader,
}: SnsSqsEventOptions): SQSEvent {
  return {
    Records: records.map((r) =>
      sqsRecord({
        body: raw ? toText(r.message) : snsEnvelope(r, topicArn, correlation),
        attributes: raw ? mergeAttributes(correlation, r.correlation, r.attributes) : {},
        traceHeader: r.traceHeader ?? traceHeader,
        messageId: undefined,
        queueArn,
      }),
    ),
  }
}

interface RecordParts {
  body: string
  attributes: Record<string, string>
  traceHeader: string | undefined
  messageId: string | undefined
  queueArn: string
}

function sqsRecord({ body, attributes, traceHeader, messageId, queueArn }: RecordParts): SQSRecord {
  const sent = Date.now()
  const messageAttributes = sqsAttributes(attributes)
  const record: SQSRecord = {
    messageId: messageId ?? uuid(),
    receiptHandle: `AQEB${randomBytes(96).toString('base64')}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sent),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(sent + 3),
    },
    messageAttributes,
    md5OfBody: md5(body),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? REGION,
  }
  if (traceHeader !== undefined) record.attributes.AWSTraceHeader = traceHeader
  if (Object.keys(messageAttributes).length > 0)
    record.md5OfMessageAttributes = md5OfAttributes(messageAttributes)
  return record
}

function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex')
}

/** SQS's digest: per attribute, by name, length-prefixed name, type, transport byte (1 = string), value. */
function md5OfAttributes(attrs: Record<string, SqsAttribute>): string {
  const parts: Buffer[] = []
  const field = (s: string) => {
    const bytes = Buffer.from(s, 'utf8')
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    parts.push(length, bytes)
  }
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name]!
    field(name)
    field(a.dataType)
    parts.push(Buffer.from([1]))
    field(a.stringValue)
  }
  return md5(Buffer.concat(parts))
}
