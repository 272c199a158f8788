import { randomBytes } from 'node:crypto'
import type { SNSEvent, SNSEventRecord } from 'aws-lambda'
import { type Attributes, mergeAttributes, snsAttributes } from './attributes.js'
import { ACCOUNT_ID, hex, REGION, toText, uuid } from './defaults.js'

export interface SnsMessageInput {
  /** A string is sent as is; anything else as JSON. */
  message: unknown
  /** String message attributes, converted to `{ Type: 'String', Value }`. */
  attributes?: Attributes
  subject?: string
  /** Correlation IDs for this message, over the builder's `correlation`. */
  correlation?: Attributes
}

export interface SnsEventOptions {
  messages: readonly SnsMessageInput[]
  topicArn?: string
  /** Correlation IDs sent as message attributes on every message. */
  correlation?: Attributes
}

export const DEFAULT_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:my-topic`

/** An SNS event. SNS delivers one record per invocation; give several messages only to test batch code. */
export function snsEvent({ messages, topicArn = DEFAULT_TOPIC_ARN, correlation }: SnsEventOptions): SNSEvent {
  return { Records: messages.map((m) => snsRecord(m, topicArn, correlation)) }
}

function snsRecord(
  input: SnsMessageInput,
  topicArn: string,
  correlation: Attributes | undefined,
): SNSEventRecord {
  const n = notification(input, topicArn, correlation)
  const record: SNSEventRecord = {
    EventVersion: '1.0',
    EventSubscriptionArn: n.subscriptionArn,
    EventSource: 'aws:sns',
    Sns: {
      SignatureVersion: '1',
      Timestamp: n.timestamp,
      Signature: n.signature,
      SigningCertUrl: n.signingCertUrl,
      MessageId: n.messageId,
      Message: n.message,
      MessageAttributes: snsAttributes(n.attributes),
      Type: 'Notification',
      UnsubscribeUrl: n.unsubscribeUrl,
      TopicArn: topicArn,
    },
  }
  if (input.subject !== undefined) record.Sns.Subject = input.subject
  return record
}

interface Notification {
  messageId: string
  message: string
  attributes: Record<string, string>
  subject: string | undefined
  timestamp: string
  signature: string
  signingCertUrl: string
  subscriptionArn: string
  unsubscribeUrl: string
}

export function notification(
  input: SnsMessageInput,
  topicArn: string,
  correlation?: Attributes,
): Notification {
  const subscriptionArn = `${topicArn}:${uuid()}`
  return {
    messageId: uuid(),
    message: toText(input.message),
    attributes: mergeAttributes(correlation, input.correlation, input.attributes),
    subject: input.subject,
    timestamp: new Date().toISOString(),
    signature: randomBytes(256).toString('base64'),
    signingCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-${hex(32)}.pem`,
    subscriptionArn,
    unsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
  }
}

/**
 * The JSON SNS puts in an SQS body when raw delivery is off, formatted as SNS formats it (`"Key" : value`).
 * Note the `URL` spelling, unlike the `Url` of the SNS event.
 */
export function snsEnvelope(input: SnsMessageInput, topicArn: string, correlation?: Attributes): string {
  const n = notification(input, topicArn, correlation)
  const members: Array<[string, string]> = [
    ['Type', 'Notification'],
    ['MessageId', n.messageId],
    ['TopicArn', topicArn],
  ]
  if (n.subject !== undefined) members.push(['Subject', n.subject])
  members.push(
    ['Message', n.message],
    ['Timestamp', n.timestamp],
    ['SignatureVersion', '1'],
    ['Signature', n.signature],
    ['SigningCertURL', n.signingCertUrl],
    ['UnsubscribeURL', n.unsubscribeUrl],
  )
  const lines = members.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`)
  const attrs = Object.entries(snsAttributes(n.attributes))
  if (attrs.length > 0) {
    const inner = attrs.map(([k, v]) => `    ${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(',\n')
    lines.push(`  "MessageAttributes" : {\n${inner}\n  }`)
  }
  return `{\n${lines.join(',\n')}\n}`
}
